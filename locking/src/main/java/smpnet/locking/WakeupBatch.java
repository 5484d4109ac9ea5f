package smpnet.locking;

/**
 * Wake-ups a thread holds back until a unit of work ends: an interrupt thread's batch of frames, or a
 * protocol's output under a connection's lock. Inside a batch ({@link #open}), a {@link CondVar#signal} or
 * {@link CondVar#broadcast} takes its waiters off the condition variable and marks them signalled at once,
 * as usual, but unparks them only when the outermost batch of the thread closes, or before the thread itself
 * would block in a lock or condition-variable wait ({@link #flushCurrent}), so a held-back wake-up can never
 * wait for its own waker. A waiter woken twice in one batch is unparked once.
 *
 * <p>Why: a kernel's interrupt thread runs above the threads it wakes, and Linux's softirq wakes a reader
 * with a "sync" hint; neither lets the woken thread preempt the waker in the middle of its batch. Java
 * threads are all equal: on one CPU, a reader woken for the first of 32 segments preempted the interrupt
 * thread while it still held the socket buffer's and the connection's locks, ran into them and slept again,
 * once per segment. Batched, the reader wakes once per batch, after the waker dropped its locks.
 *
 * <p>Thread use: a batch belongs to the thread that opened it (a thread-local), and is not shared. Mutex
 * hand-offs are never held back (the new owner must run): only condition-variable wake-ups are.
 *
 * <p>A thread keeps its batch from its first {@link #open} on, closed or open (a depth counts the nesting):
 * a socket call opens one for every output, so an event loop opens one per event, and a batch made and
 * dropped each time cost an allocation and an insertion into and a removal from the thread's thread-local
 * map per event, which at 10,000 connections took a quarter of an event loop's samples.
 */
@LockImplementation
public final class WakeupBatch implements AutoCloseable {
    /** The thread's batch, made by its first {@link #open} and kept (null before that). */
    private static final ThreadLocal<WakeupBatch> CURRENT = new ThreadLocal<>();

    private Thread[] threads = new Thread[8];
    private int count;
    private Scheduler sched;
    /** Opens not closed yet: the batch holds wake-ups back while above 0. */
    private int depth;

    private WakeupBatch() {}

    /**
     * Opens a batch for the calling thread, or joins the one it has open (the outermost close wakes). Each
     * open is closed once, by the thread that opened it (try-with-resources).
     */
    public static WakeupBatch open() {
        WakeupBatch b = CURRENT.get();
        if (b == null) {
            b = new WakeupBatch();
            CURRENT.set(b);
        }
        b.depth++;
        return b;
    }

    /** Ends an open: the outermost unparks every waiter the batch held back, oldest first. */
    @Override
    public void close() {
        if (depth <= 0) throw new IllegalStateException("a wake-up batch closed more often than opened");
        if (--depth == 0) wakeAll();
    }

    /**
     * Called by the condition variable with the waiters it dequeued and marked signalled: true if the
     * calling thread has a batch open, which will unpark them; false if the caller must unpark them now.
     */
    static boolean holdBack(Waiter chain, Scheduler s) {
        WakeupBatch b = CURRENT.get();
        if (b == null || b.depth == 0) return false;
        b.sched = s;
        for (Waiter w = chain; w != null; ) {
            Waiter next = w.next;
            w.next = null;
            w.markGranted();
            b.add(w.thread);
            w = next;
        }
        return true;
    }

    /** Unparks what the calling thread's open batch holds back, if any; the batch stays open. */
    static void flushCurrent() {
        WakeupBatch b = CURRENT.get();
        if (b != null && b.depth > 0) b.wakeAll();
    }

    private void add(Thread t) {
        for (int i = 0; i < count; i++) {
            if (threads[i] == t) return;
        }
        if (count == threads.length) threads = java.util.Arrays.copyOf(threads, 2 * count);
        threads[count++] = t;
    }

    private void wakeAll() {
        for (int i = 0; i < count; i++) {
            sched.unpark(threads[i]);
            threads[i] = null;
        }
        count = 0;
    }
}
