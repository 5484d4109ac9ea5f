package smpnet.stack.dev;

import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.internal.net.QueueCounters;

/**
 * A NIC ring with the one thread that drains it: the common part of {@link RxQueue} (drained by an
 * interrupt thread) and {@link TxQueue} (drained by the transmit thread). Each entry holds a frame (on a TX
 * ring: a packet, see below), an int tag (the RSS hash of a received frame) and the descriptors it takes.
 *
 * <p>Descriptors: the ring holds {@code ringSize} descriptors. A received frame, and an ordinary frame to
 * send, takes one; a TSO packet on a TX ring takes as many as its DMA segments plus a context descriptor
 * ({@link SimNic#descriptorsOf}), as on the Intel NICs FreeBSD's em and ix drivers serve. So the ring's
 * capacity is counted in descriptors ({@code units}), its entries ({@code size}) in packets.
 *
 * <p>Flow control: a link that must not lose frames (a {@link Wire}) reserves a slot before it carries a
 * frame ({@link #reserve}) and fills it with {@link #enqueueReserved}; a sender that finds the ring full
 * waits on {@code room} for the draining thread to take a batch, as a NIC's full receive FIFO sends an
 * Ethernet PAUSE frame and its link partner holds its transmission.
 *
 * <p>Locking key: {@code lock} (a driver leaf: "rxring" or "txring") guards the ring, the reservations and
 * the flags. The draining thread releases it before processing a batch; refused frames are freed after it
 * is released.
 */
abstract class DriverQueue {
    final int index;
    private final int cpu;
    final int batch;
    private final ExclusiveLock lock;
    private final CondVar work;
    private final CondVar exit;
    /** Senders paused on a full ring wait here; the draining thread signals when it takes a batch. */
    private final CondVar room;
    final QueueCounters counters = new QueueCounters();
    @GuardedBy("rxring/txring") private final Mbuf[] ring;
    @GuardedBy("rxring/txring") private final int[] tags;
    /** The descriptors each entry takes (1 but for a TSO packet's). */
    @GuardedBy("rxring/txring") private final int[] weights;
    @GuardedBy("rxring/txring") private int head;
    /** Entries on the ring. */
    @GuardedBy("rxring/txring") private int size;
    /** Descriptors the entries on the ring take, plus those a direct sender holds ({@link #claimIdle(int)}). */
    @GuardedBy("rxring/txring") private int units;
    /** Descriptors held by the direct sender's packet ({@link #claimIdle(int)}), released by {@link #directDone}. */
    @GuardedBy("rxring/txring") private int directUnits;
    /** Slots promised to senders by {@link #reserve}, not yet filled: counted as taken. */
    @GuardedBy("rxring/txring") private int reserved;
    /** Senders waiting in {@link #reserve} for room. */
    @GuardedBy("rxring/txring") private int paused;
    @GuardedBy("rxring/txring") private boolean started;
    @GuardedBy("rxring/txring") private boolean stopping;
    @GuardedBy("rxring/txring") private boolean exited;
    /** The draining thread has a batch out of the ring that it has not finished. */
    @GuardedBy("rxring/txring") private boolean busy;
    /**
     * A sending thread claimed the idle queue and is putting its frame on the link itself
     * ({@link #claimIdle}); the draining thread waits until it is done, so the queue's order holds.
     */
    @GuardedBy("rxring/txring") private boolean direct;

    DriverQueue(int index, int cpu, int ringSize, int batch, ExclusiveLock lock) {
        this.index = index;
        this.cpu = cpu;
        this.batch = batch;
        this.lock = lock;
        this.work = new CondVar(lock.className() + "_work");
        this.exit = new CondVar(lock.className() + "_exit");
        this.room = new CondVar(lock.className() + "_room");
        this.ring = new Mbuf[ringSize];
        this.tags = new int[ringSize];
        this.weights = new int[ringSize];
    }

    /** The descriptors the ring holds. */
    final int capacity() { return ring.length; }

    abstract String threadName();

    /** The draining thread's body; it ends when {@link #takeBatch} returns -1 (or a generator is done). */
    abstract void drain();

    /** Puts a frame on the ring; false if the ring is full or stopped (dropped, counted, freed). */
    final boolean enqueue(Mbuf frame, int tag) {
        boolean accepted;
        lock.lock();
        try {
            accepted = !stopping && units + reserved < ring.length;
            if (accepted) putLocked(frame, tag, 1);
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, frame);
    }

    /**
     * Puts a packet that takes {@code descriptors} descriptors on the ring (a TSO packet: all its descriptors
     * or none, as a driver's encap finds room for the whole DMA map or leaves the packet). False if they are
     * not all free or the queue is stopped: the packet is dropped, counted, freed.
     */
    final boolean enqueue(Mbuf packet, int tag, int descriptors) {
        boolean accepted;
        lock.lock();
        try {
            accepted = !stopping && units + reserved + descriptors <= ring.length;
            if (accepted) putLocked(packet, tag, descriptors);
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, packet);
    }

    private void putLocked(Mbuf frame, int tag, int descriptors) {
        int tail = (head + size) % ring.length;
        ring[tail] = frame;
        tags[tail] = tag;
        weights[tail] = descriptors;
        units += descriptors;
        if (size++ == 0 && !direct) work.signal(); // during a direct send: directDone() signals
    }

    /**
     * Flow control: reserves a slot for a frame the caller will put with {@link #enqueueReserved} (or give
     * back with {@link #cancelReserved}). When the ring is full, waits up to {@code waitNanos} for the
     * draining thread to make room (0: no wait). False if no slot was reserved: the ring stayed full, or the
     * queue is stopping ({@link #stopping()}). The caller holds no lock when {@code waitNanos > 0}.
     */
    final boolean reserve(long waitNanos) {
        lock.lock();
        try {
            if (!stopping && units + reserved >= ring.length && waitNanos > 0) {
                paused++;
                try {
                    room.awaitNanos(lock, waitNanos);
                } finally {
                    paused--;
                }
            }
            if (stopping || units + reserved >= ring.length) return false;
            reserved++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Fills a slot {@link #reserve} gave; the frame is dropped and counted if the queue stopped meanwhile. */
    final void enqueueReserved(Mbuf frame, int tag) {
        boolean accepted;
        lock.lock();
        try {
            reserved--;
            accepted = !stopping;
            if (accepted) putLocked(frame, tag, 1);
        } finally {
            lock.unlock();
        }
        droppedUnless(accepted, frame);
    }

    /**
     * After a refusal ({@code !accepted}), with the ring lock released: counts the drop and frees the entry
     * (a frame, a packet, or the frames of a list, see {@link #freeEntry}).
     */
    private boolean droppedUnless(boolean accepted, Mbuf frame) {
        if (!accepted) {
            counters.drop();
            freeEntry(frame);
        }
        return accepted;
    }

    /** Frees a ring entry: a frame or packet, and the frames linked to it by {@code nextPacket} (a TX list). */
    static void freeEntry(Mbuf m) {
        while (m != null) {
            Mbuf next = m.nextPacket();
            m.setNextPacket(null);
            m.freeChain();
            m = next;
        }
    }

    /** Gives back a slot {@link #reserve} gave (the frame was lost before it got here). */
    final void cancelReserved() {
        lock.lock();
        try {
            reserved--;
            if (paused > 0) room.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the claim of {@link #claimIdle}: puts back at the head of the ring a frame the link refused
     * (flow control), ahead of any queued meanwhile, for the draining thread to send once the link has room.
     * False if the ring is full or stopping (the frame dropped, counted, freed).
     */
    final boolean requeueFirst(Mbuf frame) {
        boolean accepted;
        lock.lock();
        try {
            assert direct : "requeueFirst outside a direct claim";
            accepted = !stopping && units + reserved < ring.length;
            if (accepted) putFirstLocked(frame, 1);
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, frame);
    }

    /**
     * As {@link #requeueFirst(Mbuf)} for what is left of the packet whose descriptors {@link #claimIdle(int)}
     * took (the frames of a TSO packet the link refused part-way, linked by {@code nextPacket}, in order):
     * it keeps those descriptors, so it always fits. False only if the queue is stopping (dropped, counted,
     * freed).
     */
    final boolean requeueClaimed(Mbuf rest) {
        boolean accepted;
        lock.lock();
        try {
            assert direct : "requeueClaimed outside a direct claim";
            accepted = !stopping;
            if (accepted) {
                int w = directUnits;
                directUnits = 0;
                units -= w;
                putFirstLocked(rest, w);
            }
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, rest);
    }

    private void putFirstLocked(Mbuf entry, int descriptors) {
        head = (head - 1 + ring.length) % ring.length;
        ring[head] = entry;
        tags[head] = 0;
        weights[head] = descriptors;
        units += descriptors;
        size++; // directDone() wakes the draining thread
    }

    /** Whether the queue is stopping (a sender paused on it gives up). */
    final boolean stopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    final void start() {
        lock.lock();
        try {
            if (started) throw new IllegalStateException(threadName() + " already started");
            started = true;
        } finally {
            lock.unlock();
        }
        Scheduler.current().startWorker(threadName(), cpu, this::run);
    }

    private void run() {
        try {
            drain();
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

    /**
     * Finishes the previous batch, waits for frames, and moves entries (and their tags) out of the ring: up
     * to {@code frames.length} of them, and no more descriptors than that unless the first entry alone
     * takes more (a TSO packet). Returns -1 when the queue is stopping.
     */
    final int takeBatch(Mbuf[] frames, int[] tagsOut) {
        lock.lock();
        try {
            busy = false;
            if (size == 0) exit.broadcast(); // wakes awaitDrained()
            while ((size == 0 || direct) && !stopping) work.await(lock);
            if (stopping) return -1;
            int n = pollLocked(frames, tagsOut, frames.length);
            if (paused > 0) room.broadcast(); // a paused sender's frames fit now
            busy = true;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sending side of a direct transmit (FreeBSD's {@code if_transmit} finding its ring idle, as drivers
     * over {@code drbr} do): claims the queue for the calling thread when the ring is empty, no batch is out
     * and the queue runs; the caller then hands its frame on itself and calls {@link #directDone}. False:
     * the frame must go through the ring ({@link #enqueue}), behind what is there. A thread hand-off whose
     * other end is the draining thread, which waits while the claim is held.
     */
    final boolean claimIdle() { return claimIdle(0); }

    /**
     * As {@link #claimIdle()}, for a packet that takes {@code descriptors} descriptors (a TSO packet the
     * sender segments and sends itself): they count as taken until {@link #directDone}, or stay with what of
     * the packet {@link #requeueClaimed} puts back, as the packet's descriptors stay on a NIC's ring until
     * its last frame is out.
     */
    final boolean claimIdle(int descriptors) {
        lock.lock();
        try {
            if (size > 0 || busy || direct || stopping || !started || units + reserved + descriptors > ring.length) {
                return false;
            }
            direct = true;
            directUnits = descriptors;
            units += descriptors;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a direct transmit: hands the draining thread what was queued meanwhile; wakes awaitDrained() and stop(). */
    final void directDone() {
        lock.lock();
        try {
            direct = false;
            units -= directUnits;
            directUnits = 0;
            if (size > 0) work.signal();
            exit.broadcast();
        } finally {
            lock.unlock();
        }
    }

    private int pollLocked(Mbuf[] frames, int[] tagsOut, int max) {
        lock.assertOwned();
        int n = 0;
        int taken = 0;
        while (n < size && n < max) {
            int w = weights[head];
            if (n > 0 && taken + w > max) break;
            frames[n] = ring[head];
            if (tagsOut != null) tagsOut[n] = tags[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            taken += w;
            n++;
        }
        size -= n;
        units -= taken;
        return n;
    }

    /** Waits until the ring is empty and the last batch taken from it is done (or the thread has left). */
    final void awaitDrained() {
        lock.lock();
        try {
            while (((size > 0 || busy) && started && !exited) || direct) exit.await(lock);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the draining thread has left (a generator queue whose generator is done). */
    final void awaitExit() {
        lock.lock();
        try {
            while (started && !exited) exit.await(lock);
        } finally {
            lock.unlock();
        }
    }

    /** Called before the stop handshake (generator loops read a volatile flag instead of the ring). */
    void stopRequested() {}

    /** Stops the thread, waits for it to leave, frees the entries left on the ring; returns how many. */
    final int stop() {
        stopRequested();
        Mbuf[] left;
        int n;
        lock.lock();
        try {
            stopping = true;
            work.broadcast();
            room.broadcast();
            while ((started && !exited) || direct) exit.await(lock);
            n = size;
            left = new Mbuf[n];
            for (int i = 0; i < n; i++) {
                left[i] = ring[head];
                ring[head] = null;
                head = (head + 1) % ring.length;
            }
            size = 0;
            units = 0;
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < n; i++) freeEntry(left[i]);
        return n;
    }
}
