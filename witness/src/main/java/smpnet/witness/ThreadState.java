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
    /**
     * The thread; null once {@link #retire} ran (the thread ended): a lock's cached state then never matches
     * the caller, and the ended Thread object is not kept alive by the locks that cached its state.
     */
    Thread thread;
    /** The thread's name when it was retired. */
    private String endedName;
    final Checker checker;
    /**
     * The held locks, oldest first: entries 0..depth-1. Entries are objects reused from one acquisition to
     * the next (one bounds check and a few field writes per push, where parallel arrays took six), and an
     * entry above depth keeps its last lock and class: re-pushing the same nesting then stores no reference
     * (reference stores pay GC write barriers). Stale entries retain at most max-depth locks per thread.
     */
    Entry[] stack = newEntries(new Entry[0], 8);
    int depth;
    /** The chain key of the whole held stack (entry depth-1's), 0 when nothing is held: one read per acquisition. */
    long top;
    /** The chain key checkOrder computed for the acquisition under way (VALIDATED): push reuses it. */
    long pendingKey;
    /** Chain keys this thread has already validated (no new edge, no report): all of them. */
    LongSet validated = new LongSet();
    /**
     * A small cache in front of {@link #validated} (lockdep's chain cache): the key picks a pair of slots
     * ({@code key & mask}, even, and the next), which hold the last two validated keys that mapped there, or
     * 0. Full keys are stored and compared, so chains sharing a pair only evict each other (an evicted one is
     * found again in {@code validated}, and put back); a slot never vouches for a key it does not hold. A
     * validated acquisition costs one hash step and one probe here.
     */
    long[] chainCache = new long[CHAIN_CACHE_SLOTS];
    static final int CHAIN_CACHE_SLOTS = 512;
    /** Stack captured by a slow-path checkOrder, kept as the site of the lock being acquired. */
    StackTraceElement[] pendingSite;
    /**
     * Between checkOrder and locked: NONE, CHECKED (kind checks done) or VALIDATED (fast path: push only);
     * RETAKING from a cv wait's {@code retaking} to the next acquisition (so the one-step fast path, which
     * reads only this field, leaves the retake to checkOrder).
     */
    byte acquiring;
    static final byte NONE = 0;
    static final byte CHECKED = 1;
    static final byte VALIDATED = 2;
    static final byte RETAKING = 3;
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

    /**
     * One held lock: how often it is held in each mode, and the chain key of the stack up to it.
     *
     * <p>To a lock implementation it is an opaque handle, like the state: a lock may keep the entry witness
     * last pushed it into ({@link Witness#entryOf}) and pass it to {@link Witness#reacquired} and
     * {@link Witness#releasedTop}, which then reach the entry without going through the held stack. An
     * entry stays at its {@link #index} in its thread's stack for as long as it exists (a removal below
     * the top moves entries, and renumbers them).
     */
    public static final class Entry {
        /** The thread state whose stack holds this entry. */
        final ThreadState owner;
        /** Where it sits: {@code owner.stack[index] == this}, always. */
        int index;
        Object lock;
        LockClass cls;
        /**
         * How often it is held in each mode, in one word so that a push is one store and the common release
         * one compare: exclusive holds in the low 32 bits, shared holds in the high 32.
         */
        long holds;
        /**
         * The chain key of the entries below this one (0 at the bottom): what a pop restores as the top. The
         * key of the stack up to entry i is entry i+1's {@code below}, or {@link ThreadState#top} for the top.
         */
        long below;
        /**
         * The chain key up to this entry if this thread had validated it when the entry was pushed, else 0.
         * A popped entry keeps it with its class, mode and {@code below}: taking the same class in the same
         * mode on the same chain again (the common case: the same nesting, again) then needs no hash and no
         * probe ({@link Checker#acquired}). Cleared when the thread forgets its validated chains and when a
         * rehash changes {@code below}. Non-zero only on an entry without a site: a push with a site (a slow
         * path, or sites recorded) sets it to 0, and only pushes without a site set it.
         */
        long validKey;
        StackTraceElement[] site;

        Entry(ThreadState owner, int index) {
            this.owner = owner;
            this.index = index;
        }

        static final long ONE_EXCLUSIVE = 1L;
        static final long ONE_SHARED = 1L << 32;

        static long once(boolean exclusive) { return exclusive ? ONE_EXCLUSIVE : ONE_SHARED; }

        int exclusiveHolds() { return (int) holds; }

        int sharedHolds() { return (int) (holds >>> 32); }

        /** Adds {@code delta} holds in one mode (counts never go below zero: callers check first). */
        void addHolds(boolean exclusive, int delta) { holds += delta * once(exclusive); }

        boolean exclusive() { return (int) holds > 0; }

        /** Held exactly once, in this mode: the common release. */
        boolean heldOnce(boolean exclusive) { return holds == once(exclusive); }
    }

    ThreadState(Thread t, Checker checker) {
        this.thread = t;
        this.checker = checker;
    }

    /** Whether the thread is still running (false once it ended, retired or not). */
    boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    String threadName() {
        Thread t = thread;
        return t != null ? t.getName() : endedName;
    }

    /**
     * The thread ended: drops everything but what a report or "show locks" reads (its name, scope and held
     * entries), so the state left behind in the locks that cached it, or kept for an ended holder, is a few
     * dozen bytes: no chain sets, no cache, no stale entries pointing at locks the thread once took. Called
     * by whichever thread finds it ended; the owner runs no more, so nothing races with these writes but a
     * second retire (hence the monitor) and "show locks" snapshots (which re-read and bounds-check).
     */
    synchronized void retire() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        endedName = t.getName();
        for (int i = depth; i < stack.length; i++) {
            Entry e = stack[i]; // a lock may still keep this entry (its hint): it must not keep other locks alive
            e.lock = null;
            e.cls = null;
            e.site = null;
            e.validKey = 0;
        }
        stack = depth == 0 ? NO_ENTRIES : Arrays.copyOf(stack, depth);
        validated = null;
        chainCache = NO_KEYS;
        pendingSite = null;
        retake = null;
        handlerKinds = null;
        handlerNames = null;
        handlerBase = null;
        thread = null;
    }

    private static final Entry[] NO_ENTRIES = new Entry[0];
    private static final long[] NO_KEYS = new long[0];

    private Entry[] newEntries(Entry[] old, int n) {
        Entry[] es = Arrays.copyOf(old, n);
        for (int i = old.length; i < n; i++) {
            es[i] = new Entry(this, i);
        }
        return es;
    }

    /** The token a class contributes to chain keys in a mode (LockClass keeps both, computed once). */
    static long tokenOf(int classId, boolean exclusive) {
        return (((long) classId << 1) | (exclusive ? 1 : 0)) + 0x632BE59BD9B4E019L;
    }

    /**
     * Chain key after pushing (c, exclusive) on top of prefix key {@code prev}; never zero. Each step
     * (add, multiply by an odd constant, xor-shift) is a bijection of the prefix key, so two chains that
     * differ only below the top never meet at the top; one multiply keeps it cheap (it runs on every
     * acquisition, and a murmur finaliser here was the largest single cost of the fast path).
     */
    static long extend(long prev, LockClass c, boolean exclusive) {
        long h = (prev + c.token(exclusive)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return h == 0 ? 1 : h;
    }

    long topChain() { return top; }

    /** The first of the two cache slots of {@code key}. */
    static int cacheSlot(long key) { return (int) key & (CHAIN_CACHE_SLOTS - 2); }

    /** Whether this thread validated {@code key} before: the cache's pair of slots, then the full set (refilling the cache). */
    boolean isValidated(long key) {
        long[] c = chainCache;
        int i = cacheSlot(key);
        if (c[i] == key || c[i + 1] == key) {
            return true;
        }
        if (validated.contains(key)) {
            cache(key);
            return true;
        }
        return false;
    }

    /** Records {@code key} as validated (in the set and in the cache). */
    void addValidated(long key) {
        validated.add(key);
        cache(key);
    }

    /** Puts {@code key} first in its pair of cache slots; the first moves to second, the second is dropped. */
    private void cache(long key) {
        int i = cacheSlot(key);
        chainCache[i + 1] = chainCache[i];
        chainCache[i] = key;
    }

    /** Forgets every validated key (a new report scope checks its chains again). */
    void clearValidated() {
        for (Entry e : stack) {
            e.validKey = 0;
        }
        validated.clear();
        Arrays.fill(chainCache, 0);
    }

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
        pushKeyed(lock, c, exclusive, site, key, 0);
    }

    /** Pushes with the chain key computed; {@code validKey} is {@code key} if the chain is validated, else 0. */
    void pushKeyed(Object lock, LockClass c, boolean exclusive, StackTraceElement[] site, long key, long validKey) {
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
        e.holds = Entry.once(exclusive);
        if (site != null || e.site != null) {
            e.site = site;
        }
        e.below = top;
        e.validKey = validKey;
        top = key;
        depth = i + 1;
    }

    /**
     * Removes the top entry, which is held once: the common release. The entry keeps its site (a stale
     * entry is never read; the next push over it replaces or clears the site).
     */
    void pop() {
        top = stack[--depth].below;
    }

    /** Removes entry i (usually the top) and rehashes the chain above it. */
    void remove(int i) {
        Entry gone = stack[i];
        long prefix = gone.below;
        System.arraycopy(stack, i + 1, stack, i, depth - i - 1);
        depth--;
        gone.lock = null;
        gone.cls = null;
        gone.site = null;
        stack[depth] = gone;
        for (int j = i; j <= depth; j++) {
            stack[j].index = j; // the entries that moved, and the one that left
        }
        rehash(i, prefix);
    }

    /** Recomputes chain keys from entry i up (after a removal or a mode change). */
    void rehashFrom(int i) {
        rehash(i, stack[i].below);
    }

    /** Recomputes chain keys from entry i up, the entries below i hashing to {@code prefix}. */
    private void rehash(int i, long prefix) {
        long key = prefix;
        for (int j = i; j < depth; j++) {
            Entry e = stack[j];
            e.below = key;
            e.validKey = 0;
            key = extend(key, e.cls, e.exclusive());
        }
        top = key;
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
            long holds = e.holds;
            int ex = (int) holds;
            int sh = (int) (holds >>> 32);
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
