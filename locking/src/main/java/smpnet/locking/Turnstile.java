package smpnet.locking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The wait queues of one lock or condition variable, as FreeBSD's turnstiles and sleep queues: a FIFO of
 * exclusive waiters and a FIFO of shared waiters behind a tiny spin lock. The spin lock is held only to
 * link or unlink waiters and to change the owning lock's state word together with them; it is never held
 * across a scheduling point, a park or a witness hook.
 */
@LockImplementation
final class Turnstile {
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(Turnstile.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int locked;
    @GuardedBy("this turnstile's spin lock")
    private Waiter exclusiveHead;
    @GuardedBy("this turnstile's spin lock")
    private Waiter exclusiveTail;
    @GuardedBy("this turnstile's spin lock")
    private Waiter sharedHead;
    @GuardedBy("this turnstile's spin lock")
    private Waiter sharedTail;

    void lock() {
        for (int i = 0; !LOCKED.compareAndSet(this, 0, 1); i++) {
            Schedulers.current().spinWait(i);
        }
    }

    void unlock() { locked = 0; }

    void enqueue(Waiter w) {
        if (w.shared) {
            if (sharedTail == null) sharedHead = w; else sharedTail.next = w;
            sharedTail = w;
        } else {
            if (exclusiveTail == null) exclusiveHead = w; else exclusiveTail.next = w;
            exclusiveTail = w;
        }
    }

    /** Puts an exclusive waiter back at the head: a woken mutex waiter that lost the race. */
    void enqueueFirst(Waiter w) {
        w.next = exclusiveHead;
        exclusiveHead = w;
        if (exclusiveTail == null) exclusiveTail = w;
    }

    boolean hasExclusive() { return exclusiveHead != null; }

    boolean hasShared() { return sharedHead != null; }

    boolean isEmpty() { return exclusiveHead == null && sharedHead == null; }

    /** Removes and returns the oldest exclusive waiter, or null. */
    Waiter pollExclusive() {
        Waiter w = exclusiveHead;
        if (w != null) {
            exclusiveHead = w.next;
            if (exclusiveHead == null) exclusiveTail = null;
            w.next = null;
        }
        return w;
    }

    /** Removes every shared waiter and returns them as a chain linked by {@code next}, oldest first. */
    Waiter drainShared() {
        Waiter chain = sharedHead;
        sharedHead = null;
        sharedTail = null;
        return chain;
    }

    /** Removes and returns every exclusive waiter as a chain, oldest first. */
    Waiter drainExclusive() {
        Waiter chain = exclusiveHead;
        exclusiveHead = null;
        exclusiveTail = null;
        return chain;
    }

    /** Unlinks {@code w} if it is still queued (a timed-out wait); returns false if it was already taken. */
    boolean remove(Waiter w) {
        Waiter prev = null;
        for (Waiter p = w.shared ? sharedHead : exclusiveHead; p != null; prev = p, p = p.next) {
            if (p != w) continue;
            if (prev == null) {
                if (w.shared) sharedHead = w.next; else exclusiveHead = w.next;
            } else {
                prev.next = w.next;
            }
            if (w.shared && sharedTail == w) sharedTail = prev;
            if (!w.shared && exclusiveTail == w) exclusiveTail = prev;
            w.next = null;
            return true;
        }
        return false;
    }

    /** Counts a chain from {@link #drainShared}. */
    static int length(Waiter chain) {
        int n = 0;
        for (Waiter p = chain; p != null; p = p.next) n++;
        return n;
    }

    /** Grants every waiter of a drained chain, outside the spin lock. */
    static void grantAll(Waiter chain, Scheduler sched) {
        while (chain != null) {
            Waiter next = chain.next;
            chain.next = null;
            chain.grant(sched);
            chain = next;
        }
    }
}
