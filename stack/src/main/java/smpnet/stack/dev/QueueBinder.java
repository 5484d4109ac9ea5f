package smpnet.stack.dev;

import java.io.IOException;
import smpnet.stack.internal.os.Posix;

/**
 * One NIC queue's binding to processors ({@code net.link.bind_queues}, {@link SimNic#bindQueues}): the request,
 * and what the queue's draining thread made of it. A thread's affinity is its own to set (sched_setaffinity
 * with pid 0 binds the calling thread only), so a request is a field here that its {@link DriverQueue} sets
 * under the ring's lock, which also wakes the draining thread; that thread applies it between batches,
 * holding no lock (the system call is never made under one), and reads its mask back from the kernel.
 *
 * <p>Thread use: {@code wanted} is written by requesters under the ring's lock, {@code startMask} is the
 * draining thread's own, the rest is written by the draining thread; all but {@code startMask} are volatile
 * so {@link #report} may be read from any thread.
 */
final class QueueBinder {
    /** The processors asked for (bit i for processor i); 0: the mask the thread started with. */
    private volatile long wanted;
    /** The request the draining thread last applied ({@link #wanted}'s value then). */
    private volatile long applied;
    /** The draining thread's mask before its first binding, restored when unbound. */
    private long startMask;
    /** The draining thread's mask as the kernel reports it after its last binding; 0 before any. */
    private volatile long bound;
    /** Why the last binding failed, or null. */
    private volatile String failure;

    /** Records a request; the caller holds the ring's lock and then wakes the draining thread. */
    void request(long cpus) {
        wanted = cpus;
    }

    /** Whether a request waits for the draining thread. */
    boolean pending() {
        return wanted != applied;
    }

    /**
     * The draining thread, holding no lock: applies the pending request, if any. A failure is kept, not
     * thrown: the queue drains on wherever it runs.
     */
    void applyIfPending() {
        if (!pending()) return;
        long want = wanted;
        try {
            if (Thread.currentThread().isVirtual()) throw new IOException("a virtual thread drains the queue: its carrier is not its own to bind");
            if (!Posix.isLinux()) throw new IOException("threads are bound to processors on Linux only");
            if (startMask == 0) startMask = Posix.currentThreadCpus();
            // masks name processors 0 to 63: a thread started on none of them is left where it is
            if (want == 0 && startMask == 0) throw new IOException("its starting mask names none of processors 0 to 63");
            Posix.bindCurrentThread(want != 0 ? want : startMask);
            bound = Posix.currentThreadCpus();
            failure = null;
        } catch (IOException | RuntimeException | LinkageError e) {
            failure = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        applied = want;
    }

    /**
     * The binding as it stands, of the queue whose thread is {@code queue}, on simulated CPU {@code cpu}. Its
     * fields are read one after the other, not as one snapshot: while a new request is being applied the
     * record may pair it with the result of the one before.
     */
    SimNic.QueueBinding report(String queue, int cpu) {
        long want = wanted;
        boolean done = applied == want;
        return new SimNic.QueueBinding(queue, cpu, want, done, done ? bound : 0, done ? failure : null);
    }
}
