package smpnet.witness;

import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * The locks one thread holds, in acquisition order, with the chain key of every prefix (as lockdep keeps
 * them): chain[i] hashes the (class, mode) of entries 0..i, so "held chain + new class" is one long.
 *
 * <p>Locking key: every field is written only by the owning thread. "Show locks" reads other threads'
 * stacks without a lock, as a best-effort snapshot (entries are re-read and bounds-checked).
 */
final class ThreadState {
    final WeakReference<Thread> thread;
    Object[] locks = new Object[8];
    LockClass[] classes = new LockClass[8];
    int[] exclusiveHolds = new int[8];
    int[] sharedHolds = new int[8];
    long[] chain = new long[8];
    StackTraceElement[][] sites = new StackTraceElement[8][];
    int depth;
    /** Chain keys this thread has already validated (no new edge, no report). */
    final LongSet validated = new LongSet();
    /** Stack captured by a slow-path checkOrder, kept as the site of the lock being acquired. */
    StackTraceElement[] pendingSite;
    /** Between checkOrder and locked: NONE, CHECKED (kind checks done) or VALIDATED (fast path: push only). */
    byte acquiring;
    static final byte NONE = 0;
    static final byte CHECKED = 1;
    static final byte VALIDATED = 2;
    HandlerKind[] handlerKinds = new HandlerKind[2];
    String[] handlerNames = new String[2];
    int[] handlerBase = new int[2];
    int handlers;

    ThreadState(Thread t) {
        thread = new WeakReference<>(t);
    }

    static long token(LockClass c, boolean exclusive) {
        return ((long) c.id() << 1) | (exclusive ? 1 : 0);
    }

    /** Chain key after pushing (c, exclusive) on top of prefix key {@code prev}; never zero. */
    static long extend(long prev, LockClass c, boolean exclusive) {
        // Multiply-then-add (not xor) so that no (prefix, token) pair cancels out, then murmur3's finaliser.
        long h = prev * 0x9E3779B97F4A7C15L + token(c, exclusive) + 0x632BE59BD9B4E019L;
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    long topChain() { return depth == 0 ? 0 : chain[depth - 1]; }

    /** True if a lock of class c is held (a scan: only slow paths ask; validated chain keys answer the rest). */
    boolean holds(LockClass c) {
        for (int i = depth - 1; i >= 0; i--) {
            if (classes[i] == c) {
                return true;
            }
        }
        return false;
    }

    boolean exclusive(int i) { return exclusiveHolds[i] > 0; }

    int find(Object lock) {
        for (int i = depth - 1; i >= 0; i--) {
            if (locks[i] == lock) {
                return i;
            }
        }
        return -1;
    }

    void push(Object lock, LockClass c, boolean exclusive, StackTraceElement[] site) {
        int i = depth;
        if (i == locks.length) {
            grow();
        }
        // Slots above depth keep their last lock and class: re-pushing the same nesting then stores no
        // reference (reference stores pay GC write barriers, the main cost here). The stale entries
        // retain at most max-depth lock objects per thread; nothing reads them.
        if (locks[i] != lock) {
            locks[i] = lock;
        }
        if (classes[i] != c) {
            classes[i] = c;
        }
        exclusiveHolds[i] = exclusive ? 1 : 0;
        sharedHolds[i] = exclusive ? 0 : 1;
        if (site != null || sites[i] != null) {
            sites[i] = site;
        }
        chain[i] = extend(i == 0 ? 0 : chain[i - 1], c, exclusive);
        depth = i + 1;
    }

    /** Removes the top entry, which is held once: the common release. */
    void pop() {
        int i = --depth;
        if (sites[i] != null) {
            sites[i] = null;
        }
    }

    /** Removes entry i (usually the top) and rehashes the chain above it. */
    void remove(int i) {
        int tail = depth - i - 1;
        if (tail > 0) {
            System.arraycopy(locks, i + 1, locks, i, tail);
            System.arraycopy(classes, i + 1, classes, i, tail);
            System.arraycopy(exclusiveHolds, i + 1, exclusiveHolds, i, tail);
            System.arraycopy(sharedHolds, i + 1, sharedHolds, i, tail);
            System.arraycopy(sites, i + 1, sites, i, tail);
        }
        depth--;
        locks[depth] = null;
        classes[depth] = null;
        sites[depth] = null;
        rehashFrom(i);
    }

    /** Recomputes chain keys from entry i up (after a removal or a mode change). */
    void rehashFrom(int i) {
        for (int j = i; j < depth; j++) {
            chain[j] = extend(j == 0 ? 0 : chain[j - 1], classes[j], exclusive(j));
        }
    }

    private void grow() {
        int n = locks.length * 2;
        locks = Arrays.copyOf(locks, n);
        classes = Arrays.copyOf(classes, n);
        exclusiveHolds = Arrays.copyOf(exclusiveHolds, n);
        sharedHolds = Arrays.copyOf(sharedHolds, n);
        chain = Arrays.copyOf(chain, n);
        sites = Arrays.copyOf(sites, n);
    }

    void enterHandler(HandlerKind kind, String name) {
        if (handlers == handlerKinds.length) {
            handlerKinds = Arrays.copyOf(handlerKinds, handlers * 2);
            handlerNames = Arrays.copyOf(handlerNames, handlers * 2);
            handlerBase = Arrays.copyOf(handlerBase, handlers * 2);
        }
        handlerKinds[handlers] = kind;
        handlerNames[handlers] = name;
        handlerBase[handlers] = depth;
        handlers++;
    }

    /** A snapshot of the held locks, safe to take from another thread (entries racing with changes are skipped). */
    Held[] snapshot() {
        int d = depth;
        Object[] ls = locks;
        LockClass[] cs = classes;
        int[] ex = exclusiveHolds;
        int[] sh = sharedHolds;
        StackTraceElement[][] ss = sites;
        int n = Math.min(d, Math.min(ls.length, Math.min(cs.length, Math.min(ex.length, Math.min(sh.length, ss.length)))));
        Held[] out = new Held[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            LockClass c = cs[i];
            if (c != null) {
                out[k++] = new Held(c, ex[i] > 0, ex[i] + sh[i] - 1, ss[i]);
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** One held lock as shown in reports and "show locks". */
    static final class Held {
        final LockClass cls;
        final boolean exclusive;
        final int recursed;
        final StackTraceElement[] site;

        Held(LockClass cls, boolean exclusive, int recursed, StackTraceElement[] site) {
            this.cls = cls;
            this.exclusive = exclusive;
            this.recursed = recursed;
            this.site = site;
        }
    }
}
