package smpnet.stack.dev;

import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.locking.WakeupBatch;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.internal.net.QueueCounters;
import smpnet.stack.internal.stats.CpuCounters;

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
 * <p>Software queue (TX only, {@code softLimit} packets, {@link NicConfig#txSoftQueue()}): as iflib puts an
 * {@code mp_ring} of packets in front of each TX descriptor ring, the entries form one FIFO whose first
 * {@code onRing} entries hold descriptors and whose others wait in the software queue, at most
 * {@code softLimit} of them, holding none. A packet goes on the descriptor ring if nothing waits in the
 * software queue and its descriptors are free; else it waits at the software queue's tail (one that finds
 * it empty found too few descriptors: a "no descriptors" stall); only a packet that finds the software queue
 * full is dropped. Whenever descriptors are freed (the draining thread takes a batch, a direct sender is
 * done) the software queue's head packets move onto the ring while their descriptors are free. So the order
 * of the entries is the order they came in, and the draining thread takes only entries on the ring. An RX
 * ring has no software queue ({@code softLimit} 0): a frame that does not fit is dropped.
 *
 * <p>Flow control: a link that must not lose frames (a {@link Wire}) reserves a slot before it carries a
 * frame ({@link #reserve}) and fills it with {@link #enqueueReserved}; a sender that finds the ring full
 * waits on {@code room} until the draining thread has freed half the ring ({@link #resumeRoom}), as a NIC's
 * full receive FIFO sends an Ethernet PAUSE frame, its link partner holds its transmission, and the NIC
 * sends XON once the FIFO has drained below its low-water mark.
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
    /**
     * Per CPU, counted by the sender after it released the lock: packets that waited in the software queue,
     * stalls (a packet found the software queue empty and too few descriptors free), packets refused for want
     * of room (descriptors short and software queue full). Drops of a stopping queue are not among them.
     */
    private final CpuCounters ringCounts = new CpuCounters(3);
    private static final int SOFT_QUEUED = 0;
    private static final int NO_DESCRIPTORS = 1;
    private static final int FULL = 2;
    /** The descriptors the ring holds. */
    private final int descriptors;
    /** Packets the software queue in front of the descriptor ring holds (0: none). */
    private final int softLimit;
    /** The entries: those on the descriptor ring first, then those in the software queue. */
    @GuardedBy("rxring/txring") private final Mbuf[] ring;
    @GuardedBy("rxring/txring") private final int[] tags;
    /** The descriptors each entry takes (1 but for a TSO packet's). */
    @GuardedBy("rxring/txring") private final int[] weights;
    @GuardedBy("rxring/txring") private int head;
    /** Entries: on the descriptor ring and in the software queue. */
    @GuardedBy("rxring/txring") private int size;
    /** The first {@code onRing} entries hold descriptors; the other {@code size - onRing} wait in the software queue. */
    @GuardedBy("rxring/txring") private int onRing;
    /**
     * Descriptors the entries on the descriptor ring take, plus those a direct sender holds
     * ({@link #claimIdle(int)}); at most {@code descriptors}.
     */
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

    /** The draining thread's binding to processors ({@link #bindTo}): its request is set under the lock. */
    private final QueueBinder binder = new QueueBinder();

    DriverQueue(int index, int cpu, int ringSize, int batch, ExclusiveLock lock) {
        this(index, cpu, ringSize, 0, batch, lock);
    }

    /** A queue whose descriptor ring of {@code ringSize} has a software queue of {@code softLimit} packets in front. */
    DriverQueue(int index, int cpu, int ringSize, int softLimit, int batch, ExclusiveLock lock) {
        if (softLimit < 0) throw new IllegalArgumentException("softLimit >= 0");
        this.index = index;
        this.cpu = cpu;
        this.batch = batch;
        this.lock = lock;
        this.work = new CondVar(lock.className() + "_work");
        this.exit = new CondVar(lock.className() + "_exit");
        this.room = new CondVar(lock.className() + "_room");
        this.descriptors = ringSize;
        this.softLimit = softLimit;
        this.ring = new Mbuf[ringSize + softLimit]; // each entry on the descriptor ring takes 1+ descriptors
        this.tags = new int[ring.length];
        this.weights = new int[ring.length];
    }

    /** The descriptors the ring holds. */
    final int capacity() { return descriptors; }

    /** The simulated CPU the queue's thread belongs to. */
    final int cpu() { return cpu; }

    /**
     * The free descriptors at which the draining thread wakes the senders paused on a full ring: half the
     * ring, as an Ethernet NIC sends XON only once its receive FIFO has drained below a low-water mark
     * (Intel's FCRTL), not at the first free byte. Woken at the first free slot, a paused sender on one CPU
     * put one batch's worth of frames and paused again: two context switches per batch of 32 frames. The
     * drainer keeps taking batches until the ring is empty, so it always crosses the mark; a sender's wait
     * is also bounded by its own timeout.
     */
    final int resumeRoom() { return Math.max(1, descriptors / 2); }

    /** Packets the software queue in front of the descriptor ring holds (0: none). */
    final int softLimit() { return softLimit; }

    /** Packets that waited in the software queue for descriptors. */
    final long softQueued() { return ringCounts.sum(SOFT_QUEUED); }

    /** Times a packet found the software queue empty and too few descriptors free, and waited. */
    final long noDescriptors() { return ringCounts.sum(NO_DESCRIPTORS); }

    /** Packets dropped for want of room: too few descriptors free and the software queue full (or absent). */
    final long fullDrops() { return ringCounts.sum(FULL); }

    abstract String threadName();

    /** The draining thread's body; it ends when {@link #takeBatch} returns -1 (or a generator is done). */
    abstract void drain();

    /**
     * Puts a frame (one descriptor) on the ring, or in the software queue (see the class comment); false if
     * there was no room or the queue is stopped (dropped, counted, freed).
     */
    final boolean enqueue(Mbuf frame, int tag) { return enqueue(frame, tag, 1); }

    /** What became of an enqueued packet: refused (stopping), on the ring, waiting, the first to wait, refused. */
    private static final int STOPPED = 0;
    private static final int ON_RING = 1;
    private static final int WAITS = 2;
    private static final int STALLS = 3;
    private static final int NO_ROOM = 4;

    /**
     * Puts a packet that takes {@code n} descriptors on the ring (a TSO packet: all its descriptors or none,
     * as a driver's encap finds room for the whole DMA map or leaves the packet in its software queue), or, if
     * they are not all free or packets wait already, at the software queue's tail. False if the software queue
     * is full (or absent) too, or the queue is stopped: the packet is dropped, counted, freed.
     */
    final boolean enqueue(Mbuf packet, int tag, int n) {
        int outcome;
        lock.lock();
        try {
            if (stopping) {
                outcome = STOPPED;
            } else if (size == onRing && units + reserved + n <= descriptors) {
                putLocked(packet, tag, n, true);
                outcome = ON_RING;
            } else if (size - onRing < softLimit) {
                outcome = size == onRing ? STALLS : WAITS;
                putLocked(packet, tag, n, false);
            } else {
                outcome = NO_ROOM;
            }
        } finally {
            lock.unlock();
        }
        switch (outcome) {
            case STALLS -> ringCounts.add2(SOFT_QUEUED, 1, NO_DESCRIPTORS, 1);
            case WAITS -> ringCounts.increment(SOFT_QUEUED);
            case NO_ROOM -> ringCounts.increment(FULL);
            default -> { }
        }
        return droppedUnless(outcome == ON_RING || outcome == WAITS || outcome == STALLS, packet);
    }

    /** Appends an entry: on the descriptor ring (taking its descriptors) or at the software queue's tail. */
    private void putLocked(Mbuf frame, int tag, int n, boolean onDescriptors) {
        int tail = (head + size) % ring.length;
        ring[tail] = frame;
        tags[tail] = tag;
        weights[tail] = n;
        if (onDescriptors) {
            units += n;
            onRing++;
        }
        // An entry that finds the queue empty and no direct send goes on the ring (its descriptors are all
        // free then); during a direct send, directDone() signals.
        if (size++ == 0 && !direct && !holdWakeupLocked()) work.signal();
    }

    /**
     * Under the lock, where a put would wake the draining thread: true if the wake-up is held back, the
     * caller having promised to drain the ring or wake its thread itself (an RX ring's direct receive).
     */
    boolean holdWakeupLocked() {
        return false;
    }

    /**
     * Direct receive's claim: if the draining thread is idle (no batch out, no other claim) and the ring holds
     * frames, claims the ring for the calling thread and takes a batch, as {@link #takeBatch} would; -1 if
     * not claimed. The draining thread waits while the claim is held; {@link #takeClaimed} takes the next
     * batches, {@link #directDone} ends the claim.
     */
    final int claimBatch(Mbuf[] frames, int[] tagsOut, int max) {
        try (WakeupBatch wakeups = WakeupBatch.open()) {
            lock.lock();
            try {
                if (busy || direct || stopping || !started || onRing == 0) return -1;
                direct = true;
                directUnits = 0;
                return pollClaimedLocked(frames, tagsOut, max);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under a claim of {@link #claimBatch}: the next batch (0: the ring is empty, or stopping). */
    final int takeClaimed(Mbuf[] frames, int[] tagsOut, int max) {
        try (WakeupBatch wakeups = WakeupBatch.open()) {
            lock.lock();
            try {
                assert direct : "takeClaimed outside a claim";
                return stopping ? 0 : pollClaimedLocked(frames, tagsOut, max);
            } finally {
                lock.unlock();
            }
        }
    }

    private int pollClaimedLocked(Mbuf[] frames, int[] tagsOut, int max) {
        int n = pollLocked(frames, tagsOut, max);
        xonLocked();
        return n;
    }

    /** XON: after a batch was taken, resumes the paused senders once half the ring is free, not at the first free slot. */
    private void xonLocked() {
        if (paused > 0 && descriptors - units - reserved >= resumeRoom()) room.broadcast();
    }

    /** Wakes the draining thread if entries wait on the ring that nobody has taken or claimed. */
    final void kick() {
        lock.lock();
        try {
            kickLocked();
        } finally {
            lock.unlock();
        }
    }

    private void kickLocked() {
        if (onRing > 0 && !busy && !direct) work.signal();
    }

    /** After descriptors were freed: moves the software queue's head packets onto the ring while they fit. */
    private void refillLocked() {
        while (onRing < size) {
            int w = weights[(head + onRing) % ring.length];
            if (units + reserved + w > descriptors) return;
            units += w;
            onRing++;
        }
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
            // a full ring whose wake-up was held back (direct receive) must not wait for the region's close
            if (!stopping && units + reserved >= descriptors) kickLocked();
            if (!stopping && units + reserved >= descriptors && waitNanos > 0) {
                paused++;
                try {
                    room.awaitNanos(lock, waitNanos);
                } finally {
                    paused--;
                }
            }
            if (stopping || units + reserved >= descriptors) return false;
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
            if (accepted) putLocked(frame, tag, 1, true); // its slot was counted as taken: it fits
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
     * Under the claim of {@link #claimIdle(int)}: puts back at the head of the ring, ahead of any entry queued
     * meanwhile, for the draining thread to send once the link has room, what is left of the packet whose
     * descriptors the claim took (a frame the link refused, or the frames of a TSO packet it refused part-way,
     * linked by {@code nextPacket}, in order): it keeps those descriptors, so it always fits. False only if
     * the queue is stopping (dropped, counted, freed).
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

    private void putFirstLocked(Mbuf entry, int n) {
        head = (head - 1 + ring.length) % ring.length;
        ring[head] = entry;
        tags[head] = 0;
        weights[head] = n;
        units += n;
        onRing++;
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
        // The senders the broadcast below wakes are unparked once the ring's lock is dropped (the batch's
        // close): woken under it, a paused sender on one CPU ran at once into the lock, slept on it and was
        // woken again by the unlock, two more context switches per batch (6% of a 1-CPU bulk transfer).
        while (true) {
            bindIfAsked(); // a system call: never under the ring's lock
            try (WakeupBatch wakeups = WakeupBatch.open()) {
                lock.lock();
                try {
                    busy = false;
                    if (size == 0) exit.broadcast(); // wakes awaitDrained()
                    // onRing > 0 if size > 0 (refillLocked)
                    while ((onRing == 0 || direct) && !stopping && !binder.pending()) work.await(lock);
                    if (stopping) return -1;
                    if (onRing == 0 || direct) continue; // woken to bind itself anew
                    int n = pollLocked(frames, tagsOut, frames.length);
                    xonLocked();
                    busy = true;
                    return n;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Asks the draining thread to run on the processors of {@code cpus} (bit i for processor i), or with 0 on
     * those it started with; it binds itself at its next batch, woken now if it waits for one.
     */
    final void bindTo(long cpus) {
        lock.lock();
        try {
            binder.request(cpus);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The draining thread (holding no lock): binds itself if {@link #bindTo} asked for a new binding since it last did. */
    final void bindIfAsked() {
        binder.applyIfPending();
    }

    /** The queue's binding as it stands ({@link QueueBinder#report}). */
    final SimNic.QueueBinding binding() {
        return binder.report(threadName(), cpu);
    }

    /**
     * The sending side of a direct transmit (FreeBSD's {@code if_transmit} finding its ring idle, as drivers
     * over {@code drbr} do, and as iflib's {@code mp_ring} lets the enqueuing thread drain an idle ring):
     * claims the queue for the calling thread when the ring and the software queue are empty, no batch is out
     * and the queue runs, taking the {@code n} descriptors of its packet (1 for an ordinary frame, more for a
     * TSO packet the sender cuts and sends itself). The caller then hands its frames on itself and calls
     * {@link #directDone}; the descriptors count as taken until then, or stay with what of the packet
     * {@link #requeueClaimed} puts back, as a packet's descriptors stay on a NIC's ring until its last frame
     * is out. False: the packet must go through the ring ({@link #enqueue}), behind what is there. A thread
     * hand-off whose other end is the draining thread, which waits while the claim is held.
     */
    final boolean claimIdle(int n) {
        lock.lock();
        try {
            if (size > 0 || busy || direct || stopping || !started || units + reserved + n > descriptors) {
                return false;
            }
            direct = true;
            directUnits = n;
            units += n;
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
            refillLocked();
            if (size > 0) work.signal();
            exit.broadcast();
        } finally {
            lock.unlock();
        }
    }

    /** Takes entries off the descriptor ring (never the software queue's), then refills it from the software queue. */
    private int pollLocked(Mbuf[] frames, int[] tagsOut, int max) {
        lock.assertOwned();
        int n = 0;
        int taken = 0;
        while (n < onRing && n < max) {
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
        onRing -= n;
        units -= taken;
        refillLocked();
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
            onRing = 0;
            units = 0;
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < n; i++) freeEntry(left[i]);
        return n;
    }
}
