package smpnet.stack.dev;

import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.internal.net.QueueCounters;

/**
 * A NIC ring with the one thread that drains it: the common part of {@link RxQueue} (drained by an
 * interrupt thread) and {@link TxQueue} (drained by the transmit thread). Each slot holds a frame and an
 * int tag (the RSS hash of a received frame).
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
    @GuardedBy("rxring/txring") private int head;
    @GuardedBy("rxring/txring") private int size;
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
    }

    abstract String threadName();

    /** The draining thread's body; it ends when {@link #takeBatch} returns -1 (or a generator is done). */
    abstract void drain();

    /** Puts a frame on the ring; false if the ring is full or stopped (dropped, counted, freed). */
    final boolean enqueue(Mbuf frame, int tag) {
        boolean accepted;
        lock.lock();
        try {
            accepted = !stopping && size + reserved < ring.length;
            if (accepted) putLocked(frame, tag);
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, frame);
    }

    /**
     * Puts frames {@code [from, to)} of {@code frames} on the ring together, or none of them: the frames a
     * TSO packet became take their slots as one packet's descriptors do. False if they did not all fit or the
     * queue is stopped: each is dropped, counted, freed.
     */
    final boolean enqueueAll(Mbuf[] frames, int from, int to) {
        boolean accepted;
        lock.lock();
        try {
            accepted = !stopping && size + reserved + (to - from) <= ring.length;
            if (accepted) {
                for (int i = from; i < to; i++) putLocked(frames[i], 0);
            }
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, frames, from, to);
    }

    private void putLocked(Mbuf frame, int tag) {
        int tail = (head + size) % ring.length;
        ring[tail] = frame;
        tags[tail] = tag;
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
            if (!stopping && size + reserved >= ring.length && waitNanos > 0) {
                paused++;
                try {
                    room.awaitNanos(lock, waitNanos);
                } finally {
                    paused--;
                }
            }
            if (stopping || size + reserved >= ring.length) return false;
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
            if (accepted) putLocked(frame, tag);
        } finally {
            lock.unlock();
        }
        droppedUnless(accepted, frame);
    }

    /** As {@link #droppedUnless(boolean, Mbuf)} for frames {@code [from, to)}. */
    private boolean droppedUnless(boolean accepted, Mbuf[] frames, int from, int to) {
        for (int i = from; i < to; i++) {
            droppedUnless(accepted, frames[i]);
            frames[i] = null;
        }
        return accepted;
    }

    /** After a refusal ({@code !accepted}), with the ring lock released: counts the drop and frees the frame. */
    private boolean droppedUnless(boolean accepted, Mbuf frame) {
        if (!accepted) {
            counters.drop();
            frame.freeChain();
        }
        return accepted;
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
            accepted = !stopping && size + reserved < ring.length;
            if (accepted) {
                head = (head - 1 + ring.length) % ring.length;
                ring[head] = frame;
                tags[head] = 0;
                size++; // directDone() wakes the draining thread
            }
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, frame);
    }

    /**
     * As {@link #requeueFirst(Mbuf)} for frames {@code [from, to)} (the rest of a TSO packet the link refused
     * part-way): all of them at the head of the ring in their order, or none (each dropped, counted, freed).
     */
    final boolean requeueFirstAll(Mbuf[] frames, int from, int to) {
        boolean accepted;
        int k = to - from;
        lock.lock();
        try {
            assert direct : "requeueFirstAll outside a direct claim";
            accepted = !stopping && size + reserved + k <= ring.length;
            if (accepted) {
                head = (head - k + ring.length) % ring.length;
                for (int i = 0; i < k; i++) {
                    ring[(head + i) % ring.length] = frames[from + i];
                    tags[(head + i) % ring.length] = 0;
                }
                size += k; // directDone() wakes the draining thread
            }
        } finally {
            lock.unlock();
        }
        return droppedUnless(accepted, frames, from, to);
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
     * Finishes the previous batch, waits for frames, and moves up to {@code frames.length} of them (and their
     * tags) out of the ring. Returns -1 when the queue is stopping.
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
    final boolean claimIdle() {
        lock.lock();
        try {
            if (size > 0 || busy || direct || stopping || !started) return false;
            direct = true;
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
            if (size > 0) work.signal();
            exit.broadcast();
        } finally {
            lock.unlock();
        }
    }

    private int pollLocked(Mbuf[] frames, int[] tagsOut, int max) {
        lock.assertOwned();
        int n = Math.min(size, max);
        for (int i = 0; i < n; i++) {
            frames[i] = ring[head];
            if (tagsOut != null) tagsOut[i] = tags[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
        }
        size -= n;
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

    /** Stops the thread, waits for it to leave, frees the frames left on the ring; returns how many. */
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
            left = new Mbuf[size];
            n = pollLocked(left, null, size);
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < n; i++) left[i].freeChain();
        return n;
    }
}
