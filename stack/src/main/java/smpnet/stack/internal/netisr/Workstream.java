package smpnet.stack.internal.netisr;

import smpnet.stack.internal.stats.CpuCounters;
import java.util.function.BiConsumer;
import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;

/**
 * One netisr worker: its bounded queue, its thread's state and counters (FreeBSD's {@code netisr_workstream}).
 *
 * <p>Locking key: {@code lock} (class "netisr", a leaf below every protocol lock) guards the queue, the
 * {@code running}/{@code dispatching}/{@code stopping}/{@code exited} flags and {@code handled}. The lock is
 * never held while a handler runs. {@code direct} counts handlers run by dispatching threads and needs no lock.
 *
 * <p>Order: at most one thread runs packets of a workstream at a time ({@code running}: the worker or a
 * polling thread; {@code dispatching}: a hybrid direct dispatch), and each takes from the queue's head, so
 * packets leave a workstream in the order they entered it.
 */
final class Workstream<P> {
    final int index;
    final int cpu;
    private final ExclusiveLock lock;
    private final CondVar work;
    private final CondVar idle;
    @GuardedBy("netisr") private final PacketQueue<P> queue;
    /** The worker thread is running a batch it took from the queue. */
    @GuardedBy("netisr") private boolean running;
    /** A dispatching thread is running a packet of this worker directly (hybrid). */
    @GuardedBy("netisr") private boolean dispatching;
    @GuardedBy("netisr") private boolean stopping;
    @GuardedBy("netisr") private boolean started;
    @GuardedBy("netisr") private boolean exited;
    @GuardedBy("netisr") private long handled;
    private final CpuCounters direct = new CpuCounters(1);

    Workstream(int index, int cpu, ExclusiveLock lock, int queueLimit) {
        this.index = index;
        this.cpu = cpu;
        this.lock = lock;
        this.work = new CondVar("netisr_work");
        this.idle = new CondVar("netisr_idle");
        this.queue = new PacketQueue<>(queueLimit);
    }

    /** Queues a packet for the worker; false if the queue is full or stopped (the caller frees it). */
    boolean enqueue(NetisrProtocol proto, P packet) {
        lock.lock();
        try {
            if (stopping) {
                queue.countDrop();
                return false;
            }
            if (!queue.offer(proto, packet)) return false;
            if (!running) work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** What {@link #claimOrEnqueue} did with a packet. */
    enum Claim { CLAIMED, QUEUED, DROPPED }

    /**
     * Hybrid dispatch: claims the right to run a packet in the caller's thread if nothing of this worker is
     * queued or running (then the caller runs it and calls {@link #directDone()}); else queues it, or
     * refuses it if the queue is full or stopped (the caller frees it).
     */
    Claim claimOrEnqueue(NetisrProtocol proto, P packet) {
        lock.lock();
        try {
            if (queue.isEmpty() && !running && !dispatching && !stopping) {
                dispatching = true;
                return Claim.CLAIMED;
            }
            if (stopping) {
                queue.countDrop();
                return Claim.DROPPED;
            }
            if (!queue.offer(proto, packet)) return Claim.DROPPED;
            if (!running && !dispatching) work.signal();
            return Claim.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a hybrid direct run: hands the worker anything queued meanwhile. */
    void directDone() {
        direct.increment(0);
        lock.lock();
        try {
            dispatching = false;
            if (!queue.isEmpty()) work.signal();
            idle.broadcast();
        } finally {
            lock.unlock();
        }
    }

    /** Counts a packet a dispatching thread ran under the direct policy. */
    void countDirect() { direct.increment(0); }

    /** The worker thread's body: takes batches and runs them with no lock held, until stopped. */
    void run(int batchSize, BiConsumer<NetisrProtocol, P> runOne) {
        NetisrProtocol[] protos = new NetisrProtocol[batchSize];
        Object[] packets = new Object[batchSize];
        lock.lock();
        try {
            while (true) {
                while ((queue.isEmpty() || dispatching || running) && !stopping) work.await(lock);
                if (stopping) break;
                int n = queue.pollBatch(protos, packets, batchSize);
                running = true;
                lock.unlock();
                try {
                    runBatch(n, protos, packets, runOne);
                } finally {
                    lock.lock();
                }
                finishBatchLocked(n);
            }
        } finally {
            exited = true;
            idle.broadcast();
            lock.unlock();
        }
    }

    private void finishBatchLocked(int n) {
        lock.assertOwned();
        running = false;
        handled += n;
        if (!queue.isEmpty()) work.signal(); // the worker waits while a polling thread runs a batch
        idle.broadcast(); // awaitIdle() waits for an empty queue, runPending() for the end of any batch
    }

    /**
     * Runs up to {@code max} queued packets in the calling thread (netisr polling); returns how many ran.
     * Waits first for a batch the worker or a direct dispatch is running, so the queue's order is kept.
     * Never call it from a handler of this workstream: it would wait for itself.
     */
    int runPending(int max, BiConsumer<NetisrProtocol, P> runOne) {
        NetisrProtocol[] protos = new NetisrProtocol[max];
        Object[] packets = new Object[max];
        int n;
        lock.lock();
        try {
            while (running || dispatching) idle.await(lock);
            n = queue.pollBatch(protos, packets, max);
            running = true;
        } finally {
            lock.unlock();
        }
        try {
            runBatch(n, protos, packets, runOne);
        } finally {
            lock.lock();
            try {
                finishBatchLocked(n);
            } finally {
                lock.unlock();
            }
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static <P> void runBatch(int n, NetisrProtocol[] protos, Object[] packets,
                                     BiConsumer<NetisrProtocol, P> runOne) {
        for (int i = 0; i < n; i++) {
            P p = (P) packets[i];
            packets[i] = null;
            runOne.accept(protos[i], p);
        }
    }

    void markStarted() {
        lock.lock();
        try {
            started = true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the queue is empty and nothing of this worker runs (a started worker must exist). */
    void awaitIdle() {
        lock.lock();
        try {
            while ((!queue.isEmpty() && started && !exited) || running || dispatching) idle.await(lock);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the worker thread, waits for it to leave, and returns the packets still queued (caller frees). */
    int stop(BiConsumer<NetisrProtocol, P> dropOne) {
        NetisrProtocol[] protos;
        Object[] packets;
        int n;
        lock.lock();
        try {
            stopping = true;
            work.broadcast();
            while (started && !exited) idle.await(lock);
            protos = new NetisrProtocol[queue.size()];
            packets = new Object[queue.size()];
            n = queue.pollBatch(protos, packets, protos.length);
        } finally {
            lock.unlock();
        }
        runBatch(n, protos, packets, dropOne);
        return n;
    }

    NetisrStats stats() {
        lock.lock();
        try {
            long d = direct.sum(0);
            return new NetisrStats(queue.queued(), handled + d, d, queue.dropped(), queue.maxDepth(), queue.size());
        } finally {
            lock.unlock();
        }
    }
}
