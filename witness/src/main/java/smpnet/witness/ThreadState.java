package smpnet.witness;

import java.util.Arrays;

/**
 * The locks one thread holds, in acquisition order, with the chain key of every prefix (as lockdep keeps
 * them): chain[i] hashes the (class, mode) of entries 0..i, so "held chain + new class" is one long.
 *
 * <p>To a lock implementation it is an opaque handle: the hooks of {@link Witness} that take and return one
 * let a lock keep the state of the thread that last used it, so a thread that takes the same lock again
 * finds its state with one compare instead of a ThreadLocal lookup per hook (a kernel's {@code curthread}
 * costs nothing; a ThreadLocal lookup was a fifth of witness's cost per lock). Any thread may overwrite such
 * a cached handle; witness uses it only after checking that it belongs to the calling thread.
 *
 * <p>Locking key: every field is written only by the owning thread. "Show locks" reads other threads'
 * stacks without a lock, as a best-effort snapshot (entries are re-read and bounds-checked).
 */
public final class ThreadState {
    /** The thread (strong: a dead thread's state is kept while it still holds locks, to report them). */
    final Thread thread;
    final Checker checker;
    /**
     * The held locks, oldest first: entries 0..depth-1. Entries are objects reused from one acquisition to
     * the next (one bounds check and a few field writes per push, where parallel arrays took six), and an
     * entry above depth keeps its last lock and class: re-pushing the same nesting then stores no reference
     * (reference stores pay GC write barriers). Stale entries retain at most max-depth locks per thread.
     */
    Entry[] stack = newEntries(new Entry[0], 8);
    int depth;
    /** The chain key checkOrder computed for the acquisition under way (VALIDATED): push reuses it. */
    long pendingKey;
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
    /** The interlock a cv wait released: its retake after the wait is no new acquisition (no order, no kind rules). */
    Object retake;
    /** The thread's report scope when its state was made (inherited), for reports made about it by others. */
    final Object scope = Witness.currentScope();
    /** Set once this (dead) thread's locks were reported. */
    volatile boolean deathReported;

    /** One held lock: how often it is held in each mode, and the chain key of the stack up to it. */
    static final class Entry {
        Object lock;
        LockClass cls;
        int exclusiveHolds;
        int sharedHolds;
        long chain;
        StackTraceElement[] site;

        boolean exclusive() { return exclusiveHolds > 0; }

        /** Held exactly once, in this mode: the common release. */
        boolean heldOnce(boolean exclusive) {
            return exclusive ? exclusiveHolds == 1 && sharedHolds == 0 : sharedHolds == 1 && exclusiveHolds == 0;
        }
    }

    ThreadState(Thread t, Checker checker) {
        this.thread = t;
        this.checker = checker;
    }

    private static Entry[] newEntries(Entry[] old, int n) {
        Entry[] es = Arrays.copyOf(old, n);
        for (int i = old.length; i < n; i++) {
            es[i] = new Entry();
        }
        return es;
    }

    static long token(LockClass c, boolean exclusive) {
        return ((long) c.id() << 1) | (exclusive ? 1 : 0);
    }

    /**
     * Chain key after pushing (c, exclusive) on top of prefix key {@code prev}; never zero. Each step
     * (add, multiply by an odd constant, xor-shift) is a bijection of the prefix key, so two chains that
     * differ only below the top never meet at the top; one multiply keeps it cheap (it runs on every
     * acquisition, and a murmur finaliser here was the largest single cost of the fast path).
     */
    static long extend(long prev, LockClass c, boolean exclusive) {
        long h = (prev + token(c, exclusive) + 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return h == 0 ? 1 : h;
    }

    long topChain() { return depth == 0 ? 0 : stack[depth - 1].chain; }

    LockClass cls(int i) { return stack[i].cls; }

    Object lock(int i) { return stack[i].lock; }

    /** True if a lock of class c is held (a scan: only slow paths ask; validated chain keys answer the rest). */
    boolean holds(LockClass c) {
        for (int i = depth - 1; i >= 0; i--) {
            if (stack[i].cls == c) {
                return true;
            }
        }
        return false;
    }

    boolean exclusive(int i) { return stack[i].exclusive(); }

    int find(Object lock) {
        for (int i = depth - 1; i >= 0; i--) {
            if (stack[i].lock == lock) {
                return i;
            }
        }
        return -1;
    }

    void push(Object lock, LockClass c, boolean exclusive, StackTraceElement[] site) {
        pushKeyed(lock, c, exclusive, site, extend(topChain(), c, exclusive));
    }

    /** Pushes with the chain key already computed ({@code key} = extend(topChain(), c, exclusive)). */
    void pushKeyed(Object lock, LockClass c, boolean exclusive, StackTraceElement[] site, long key) {
        int i = depth;
        if (i == stack.length) {
            stack = newEntries(stack, i * 2);
        }
        Entry e = stack[i];
        if (e.lock != lock) {
            e.lock = lock;
        }
        if (e.cls != c) {
            e.cls = c;
        }
        e.exclusiveHolds = exclusive ? 1 : 0;
        e.sharedHolds = exclusive ? 0 : 1;
        if (site != null || e.site != null) {
            e.site = site;
        }
        e.chain = key;
        depth = i + 1;
    }

    /** Removes the top entry, which is held once: the common release. */
    void pop() {
        Entry e = stack[--depth];
        if (e.site != null) {
            e.site = null;
        }
    }

    /** Removes entry i (usually the top) and rehashes the chain above it. */
    void remove(int i) {
        Entry gone = stack[i];
        System.arraycopy(stack, i + 1, stack, i, depth - i - 1);
        depth--;
        gone.lock = null;
        gone.cls = null;
        gone.site = null;
        stack[depth] = gone;
        rehashFrom(i);
    }

    /** Recomputes chain keys from entry i up (after a removal or a mode change). */
    void rehashFrom(int i) {
        for (int j = i; j < depth; j++) {
            Entry e = stack[j];
            e.chain = extend(j == 0 ? 0 : stack[j - 1].chain, e.cls, e.exclusive());
        }
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
        Entry[] es = stack;
        int n = Math.min(depth, es.length);
        Held[] out = new Held[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            Entry e = es[i];
            LockClass c = e.cls;
            int ex = e.exclusiveHolds;
            int sh = e.sharedHolds;
            if (c != null && ex + sh > 0) {
                out[k++] = new Held(c, ex > 0, ex + sh - 1, e.site);
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
