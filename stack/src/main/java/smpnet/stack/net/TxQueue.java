package smpnet.stack.net;

import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.Mbuf;

/**
 * One transmit queue of a NIC: a bounded ring ({@code ifq}) and the thread that plays the NIC's DMA engine,
 * taking frames off the ring in batches and putting them on the link with no lock held. That thread is why
 * a sender holding its host's protocol locks never takes a lock of the peer host: it only takes this
 * host's txring, a leaf.
 *
 * <p>Locking key: {@code lock} (class "txring", a leaf) guards the ring and the flags. Frames refused for a
 * full ring are freed after the lock is released.
 */
final class TxQueue {
    private final SimNic nic;
    final int index;
    private final int cpu;
    private final int batch;
    private final ExclusiveLock lock;
    private final CondVar work = new CondVar("txring_work");
    private final CondVar exit = new CondVar("txring_exit");
    final QueueCounters counters = new QueueCounters();
    @GuardedBy("txring") private final Mbuf[] ring;
    @GuardedBy("txring") private int head;
    @GuardedBy("txring") private int size;
    @GuardedBy("txring") private boolean started;
    @GuardedBy("txring") private boolean stopping;
    @GuardedBy("txring") private boolean exited;
    /** The transmit thread has a batch out of the ring and is still delivering it. */
    @GuardedBy("txring") private boolean busy;

    TxQueue(SimNic nic, int index, int cpu, int ringSize, int batch) {
        this.nic = nic;
        this.index = index;
        this.cpu = cpu;
        this.batch = batch;
        this.lock = nic.locks().mutex(LockInventory.TXRING);
        this.ring = new Mbuf[ringSize];
    }

    String threadName() { return nic.name() + "-tx" + index; }

    /** Queues a frame; false if the ring is full or stopped (dropped, counted, freed). */
    boolean enqueue(Mbuf frame) {
        boolean accepted;
        lock.lock();
        try {
            accepted = !stopping && size < ring.length;
            if (accepted) {
                ring[(head + size) % ring.length] = frame;
                if (size++ == 0) work.signal();
            }
        } finally {
            lock.unlock();
        }
        if (!accepted) {
            counters.drops.increment();
            frame.freeChain();
        }
        return accepted;
    }

    void start() {
        lock.lock();
        try {
            if (started) throw new IllegalStateException(threadName() + " already started");
            started = true;
        } finally {
            lock.unlock();
        }
        Scheduler.current().startWorker(threadName(), cpu, this::transmitThread);
    }

    private void transmitThread() {
        Mbuf[] frames = new Mbuf[batch];
        try {
            int n;
            while ((n = takeBatch(frames)) >= 0) {
                for (int i = 0; i < n; i++) {
                    Mbuf m = frames[i];
                    frames[i] = null;
                    nic.putOnLink(m, counters);
                }
            }
        } finally {
            lock.lock();
            try {
                exited = true;
                busy = false;
                exit.broadcast();
            } finally {
                lock.unlock();
            }
        }
    }

    private int takeBatch(Mbuf[] frames) {
        lock.lock();
        try {
            busy = false;
            if (size == 0) exit.broadcast(); // wakes awaitDrained()
            while (size == 0 && !stopping) work.await(lock);
            if (stopping) return -1;
            int n = Math.min(size, frames.length);
            for (int i = 0; i < n; i++) {
                frames[i] = ring[head];
                ring[head] = null;
                head = (head + 1) % ring.length;
            }
            size -= n;
            busy = true;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every queued frame has been put on the link (tests, orderly shutdown). */
    void awaitDrained() {
        lock.lock();
        try {
            while ((size > 0 || busy) && started && !exited) exit.await(lock);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the transmit thread, waits for it, frees the frames left on the ring; returns how many. */
    int stop() {
        Mbuf[] left;
        lock.lock();
        try {
            stopping = true;
            work.broadcast();
            while (started && !exited) exit.await(lock);
            left = new Mbuf[size];
            for (int i = 0; i < left.length; i++) {
                left[i] = ring[head];
                ring[head] = null;
                head = (head + 1) % ring.length;
            }
            size = 0;
        } finally {
            lock.unlock();
        }
        for (Mbuf m : left) m.freeChain();
        return left.length;
    }
}
