package smpnet.stack.net;

import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.PacketHeader;

/**
 * One receive queue of a NIC: a bounded ring the wire fills, and the interrupt thread that drains it in
 * batches and hands each frame up with its source id and flow hash stamped in the packet header.
 *
 * <p>Locking key: {@code lock} (class "rxring", a driver leaf) guards the ring and the flags. The ithread
 * drops it before handing frames up, as drivers drop their lock before {@code if_input}, and frees dropped
 * frames only after releasing it.
 */
final class RxQueue {
    private final Ifnet ifp;
    final int index;
    private final int cpu;
    private final int batch;
    private final ExclusiveLock lock;
    private final CondVar work = new CondVar("rxring_work");
    private final CondVar exit = new CondVar("rxring_exit");
    final QueueCounters counters = new QueueCounters();
    @GuardedBy("rxring") private final Mbuf[] ring;
    @GuardedBy("rxring") private final int[] hashes;
    @GuardedBy("rxring") private int head;
    @GuardedBy("rxring") private int size;
    @GuardedBy("rxring") private boolean started;
    @GuardedBy("rxring") private boolean stopping;
    @GuardedBy("rxring") private boolean exited;
    /** Read on every generator batch without the lock: the generator loop never touches the ring. */
    private volatile boolean stopRequested;
    private volatile RxGenerator generator;

    RxQueue(Ifnet ifp, int index, int cpu, int ringSize, int batch) {
        this.ifp = ifp;
        this.index = index;
        this.cpu = cpu;
        this.batch = batch;
        this.lock = ifp.locks().mutex(LockInventory.RXRING);
        this.ring = new Mbuf[ringSize];
        this.hashes = new int[ringSize];
    }

    void setGenerator(RxGenerator g) { generator = g; }

    String threadName() { return ifp.name() + "-rx" + index; }

    /** Puts a frame on the ring (the NIC's DMA); false if the ring is full or stopped: dropped, counted, freed. */
    boolean enqueue(Mbuf frame, int flowHash) {
        boolean accepted;
        lock.lock();
        try {
            accepted = !stopping && size < ring.length;
            if (accepted) {
                int tail = (head + size) % ring.length;
                ring[tail] = frame;
                hashes[tail] = flowHash;
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
        Scheduler.current().startWorker(threadName(), cpu, this::ithread);
    }

    private void ithread() {
        try {
            if (generator != null) generatorLoop(generator);
            else ringLoop();
        } finally {
            lock.lock();
            try {
                exited = true;
                exit.broadcast();
            } finally {
                lock.unlock();
            }
        }
    }

    private void ringLoop() {
        Mbuf[] frames = new Mbuf[batch];
        int[] flows = new int[batch];
        while (true) {
            int n = takeBatch(frames, flows);
            if (n < 0) return;
            for (int i = 0; i < n; i++) stamp(frames[i], flows[i]);
            ifp.inputBatch(frames, n, counters, threadName());
        }
    }

    /** Waits for frames; moves up to a batch out of the ring. Returns -1 when stopping. */
    private int takeBatch(Mbuf[] frames, int[] flows) {
        lock.lock();
        try {
            while (size == 0 && !stopping) work.await(lock);
            if (stopping) return -1;
            int n = Math.min(size, frames.length);
            for (int i = 0; i < n; i++) {
                frames[i] = ring[head];
                flows[i] = hashes[head];
                ring[head] = null;
                head = (head + 1) % ring.length;
            }
            size -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void generatorLoop(RxGenerator g) {
        Mbuf[] frames = new Mbuf[batch];
        while (!stopRequested) {
            int n = g.fill(index, frames, batch);
            if (n <= 0) return;
            for (int i = 0; i < n; i++) stamp(frames[i], frames[i].pkthdr().flowId());
            ifp.inputBatch(frames, n, counters, threadName());
        }
    }

    private void stamp(Mbuf m, int flow) {
        PacketHeader h = m.pkthdr();
        h.setRcvIf(ifp).setSourceId(ifp.sourceId(index)).setFlow(flow, PacketHeader.HASH_OPAQUE);
    }

    /** Waits until the ithread of a generator queue has finished (the generator returned 0). */
    void awaitExit() {
        lock.lock();
        try {
            while (started && !exited) exit.await(lock);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the ithread, waits for it, frees the frames left on the ring; returns how many. */
    int stop() {
        Mbuf[] left;
        int n;
        stopRequested = true;
        lock.lock();
        try {
            stopping = true;
            work.broadcast();
            while (started && !exited) exit.await(lock);
            n = size;
            left = new Mbuf[n];
            for (int i = 0; i < n; i++) {
                left[i] = ring[head];
                ring[head] = null;
                head = (head + 1) % ring.length;
            }
            size = 0;
        } finally {
            lock.unlock();
        }
        for (Mbuf m : left) m.freeChain();
        return n;
    }
}
