package smpnet.stack.dev;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufTransfer;

/**
 * A link between two NICs that impairs what it carries, each direction by its own {@link Impairments}:
 * latency and jitter, a bandwidth with serialization delay and a bounded queue that drops, loss, reordering,
 * duplication and corruption. Every random choice comes from a PRNG seeded by the link's seed, drawn in the
 * order frames reach the link, so under the deterministic scheduler a seed replays the same fates; delays run
 * on the scheduler's timers (virtual time there, the real clock under the free scheduler). A frame is copied
 * into the receiving host's memory when it enters the link and handed to the peer NIC when it arrives.
 *
 * <p>The counters say what the link did ({@link #counters}), and with a frame record
 * ({@link #connect(SimNic, SimNic, Impairments, Impairments, long, int)}) what it did to which frame: the
 * n-th frame a direction carried, its fates, its size, when it was sent and when it arrived.
 *
 * <p>Locking key: each direction's mutex ("link", a leaf taken by a transmit thread with no lock held, and by
 * the timer that delivers) guards that direction's PRNG, line state, counters, record and frames in flight.
 * It is released before a frame is handed to the peer NIC, which takes the peer's RX ring lock.
 */
public final class ImpairedLink {
    /** What the link did to a frame (a duplicated or corrupted frame is also delivered). */
    public enum Fate { DELIVERED, LOST, QUEUE_DROP, REORDERED, DUPLICATED, CORRUPTED, NO_MEMORY }

    /**
     * One frame's record: the {@code frame}-th frame (from 1) of direction {@code aToB}. Arrival is -1 if
     * dropped; {@code flippedBit} is the bit corruption flipped (counted from the frame's first byte), or -1.
     */
    public record FrameRecord(boolean aToB, long frame, Set<Fate> fates, int bytes, long sentNanos, long arrivalNanos,
                              int flippedBit) {}

    /** What one direction did so far. Delivered counts the arrivals handed to the peer, duplicates included. */
    public record Counters(long frames, long delivered, long lost, long queueDrops, long reordered, long duplicated,
                           long corrupted, long noMemory, long inFlight) {}

    /**
     * What an {@link ImpairedLink} does to the frames of one direction (the knobs of Linux's netem, which this
     * kernel lacks): a fixed latency plus a uniform jitter, a bandwidth whose serialization delay queues frames
     * in a bounded queue that drops at its tail, and independent chances of loss, reordering (the frame is held
     * back by {@code reorderDelay} so later frames overtake it), duplication and corruption (one bit flipped).
     * Jitter alone never reorders: a frame not chosen for reordering arrives no earlier than the one before it.
     * {@link #NONE} is the plain {@link Wire}'s behaviour.
     *
     * @param bitsPerSecond 0 for no bandwidth limit (no serialization delay, no queue)
     * @param queueFrames   frames that may wait for the line, besides the one being serialized
     */
    public record Impairments(Duration latency, Duration jitter, long bitsPerSecond, int queueFrames, double loss,
                              double reorder, Duration reorderDelay, double duplicate, double corrupt) {

        public static final Impairments NONE = new Impairments(Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, Duration.ZERO, 0, 0);

        public Impairments {
            if (latency.isNegative() || jitter.isNegative() || reorderDelay.isNegative()) {
                throw new IllegalArgumentException("latency, jitter and reorder delay must not be negative");
            }
            if (bitsPerSecond < 0 || queueFrames < 0) throw new IllegalArgumentException("bandwidth and queue must not be negative");
            for (double p : new double[] {loss, reorder, duplicate, corrupt}) {
                if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("a probability must be in [0, 1], not " + p);
            }
        }

        public Impairments withLatency(Duration latency, Duration jitter) {
            return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, duplicate, corrupt);
        }

        public Impairments withBandwidth(long bitsPerSecond, int queueFrames) {
            return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, duplicate, corrupt);
        }

        public Impairments withLoss(double p) {
            return new Impairments(latency, jitter, bitsPerSecond, queueFrames, p, reorder, reorderDelay, duplicate, corrupt);
        }

        public Impairments withReorder(double p, Duration delay) {
            return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, p, delay, duplicate, corrupt);
        }

        public Impairments withDuplicate(double p) {
            return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, p, corrupt);
        }

        public Impairments withCorrupt(double p) {
            return new Impairments(latency, jitter, bitsPerSecond, queueFrames, loss, reorder, reorderDelay, duplicate, p);
        }

        /** Nanoseconds the line needs to put {@code bytes} on the wire; 0 without a bandwidth limit. */
        long serializationNanos(int bytes) {
            return bitsPerSecond == 0 ? 0 : Math.ceilDiv(bytes * 8L * 1_000_000_000L, bitsPerSecond);
        }
    }

    private final Lane ab;
    private final Lane ba;
    private final SimNic a;
    private final SimNic b;

    private ImpairedLink(SimNic a, SimNic b, Impairments ab, Impairments ba, long seed, int recordFrames) {
        this.a = a;
        this.b = b;
        this.ab = new Lane(true, b, ab, new SplittableRandom(seed), recordFrames);
        this.ba = new Lane(false, a, ba, new SplittableRandom(seed ^ 0x5DEECE66DL), recordFrames);
    }

    /** Connects {@code a} and {@code b}, both directions impaired alike. */
    public static ImpairedLink connect(SimNic a, SimNic b, Impairments both, long seed) {
        return connect(a, b, both, both, seed, 0);
    }

    /** Connects {@code a} and {@code b}; keeps a record of the first {@code recordFrames} frames each way. */
    public static ImpairedLink connect(SimNic a, SimNic b, Impairments aToB, Impairments bToA, long seed, int recordFrames) {
        SimNic.checkPluggable(a, b);
        ImpairedLink l = new ImpairedLink(a, b, aToB, bToA, seed, recordFrames);
        a.attachLink(l.ab::carry);
        b.attachLink(l.ba::carry);
        return l;
    }

    /** The counters of one direction. */
    public Counters counters(boolean aToB) { return (aToB ? ab : ba).counters(); }

    /** What a's ({@code aToB}) or b's transmit thread does with a frame: tests drive the link without NICs. */
    void carry(boolean aToB, Mbuf frame) { (aToB ? ab : ba).carry(frame); }

    /** The frame record of one direction, oldest first. */
    public List<FrameRecord> frames(boolean aToB) { return (aToB ? ab : ba).frames(); }

    /** Disconnects both ends and frees the frames still in flight (counted as lost): a cut cable. */
    public void close() {
        a.attachLink(null);
        b.attachLink(null);
        ab.cut();
        ba.cut();
    }

    /** One direction of the link. */
    private static final class Lane {
        private final boolean aToB;
        private final SimNic to;
        private final Impairments imp;
        private final Mutex lock = new Mutex("link");
        @GuardedBy("link") private final SplittableRandom rng;
        /** When the line finishes serializing each frame still queued or on the line. */
        @GuardedBy("link") private final ArrayDeque<Long> lineBusyUntil = new ArrayDeque<>();
        @GuardedBy("link") private long lastArrival;
        @GuardedBy("link") private final Map<Mbuf, Scheduler.Cancellable> inFlight = new LinkedHashMap<>();
        @GuardedBy("link") private final List<FrameRecord> record = new ArrayList<>();
        private final int recordFrames;
        @GuardedBy("link") private long frames, delivered, lost, queueDrops, reordered, duplicated, corrupted, noMemory;

        Lane(boolean aToB, SimNic to, Impairments imp, SplittableRandom rng, int recordFrames) {
            this.aToB = aToB;
            this.to = to;
            this.imp = imp;
            this.rng = rng;
            this.recordFrames = recordFrames;
        }

        /** A transmit thread, no lock held: decides the frame's fate and sends it (or its copies) on its way. */
        void carry(Mbuf frame) {
            Scheduler sched = Scheduler.current();
            int bytes = frame.pktLen();
            lock.lock();
            try {
                long now = sched.nanoTime();
                long n = ++frames;
                EnumSet<Fate> fates = EnumSet.noneOf(Fate.class);
                // Every draw happens for every frame, in one order, so one knob's value never shifts another's.
                boolean lose = rng.nextDouble() < imp.loss();
                boolean reorder = rng.nextDouble() < imp.reorder();
                boolean dup = rng.nextDouble() < imp.duplicate();
                boolean corrupt = rng.nextDouble() < imp.corrupt();
                long jitter = imp.jitter().isZero() ? 0 : rng.nextLong(imp.jitter().toNanos() + 1);
                int bit = rng.nextInt(Math.max(1, bytes * 8));
                long departs = departureLocked(now, bytes);
                if (lose || departs < 0) {
                    fates.add(lose ? Fate.LOST : Fate.QUEUE_DROP);
                    if (lose) lost++; else queueDrops++;
                    recordLocked(n, fates, bytes, now, -1, -1);
                    frame.freeChain();
                    return;
                }
                long arrival = departs + imp.latency().toNanos() + jitter;
                if (reorder) {
                    arrival += imp.reorderDelay().toNanos();
                    fates.add(Fate.REORDERED);
                    reordered++;
                } else {
                    arrival = Math.max(arrival, lastArrival); // jitter alone keeps the order
                    lastArrival = arrival;
                }
                Mbuf copy = dup ? frame.copyRange(0, Mbuf.M_COPYALL, Mbuf.M_NOWAIT) : null;
                Mbuf moved = MbufTransfer.COPY.transfer(frame, to.allocator(), Mbuf.M_NOWAIT);
                Mbuf second = copy == null ? null : MbufTransfer.COPY.transfer(copy, to.allocator(), Mbuf.M_NOWAIT);
                if (moved == null || (dup && second == null)) fates.add(Fate.NO_MEMORY);
                if (moved == null && second == null) {
                    noMemory++;
                    recordLocked(n, fates, bytes, now, -1, -1);
                    return;
                }
                if (corrupt && moved != null) {
                    flipBit(moved, bit);
                    fates.add(Fate.CORRUPTED);
                    corrupted++;
                }
                if (moved == null) noMemory++;
                if (second != null) {
                    fates.add(Fate.DUPLICATED);
                    duplicated++;
                }
                fates.add(Fate.DELIVERED);
                recordLocked(n, fates, bytes, now, arrival, fates.contains(Fate.CORRUPTED) ? bit : -1);
                if (moved != null) sendLocked(sched, moved, arrival - now);
                if (second != null) sendLocked(sched, second, arrival - now);
            } finally {
                lock.unlock();
            }
        }

        /**
         * When the frame has left the line: after the frames queued before it and its own serialization; -1 if
         * the queue is full (tail drop). Without a bandwidth limit, at once.
         */
        private long departureLocked(long now, int bytes) {
            lock.assertOwned();
            if (imp.bitsPerSecond() == 0) return now;
            while (!lineBusyUntil.isEmpty() && lineBusyUntil.peekFirst() <= now) lineBusyUntil.pollFirst();
            if (lineBusyUntil.size() > imp.queueFrames()) return -1; // one on the line plus a full queue
            long start = lineBusyUntil.isEmpty() ? now : lineBusyUntil.peekLast();
            long done = start + imp.serializationNanos(bytes);
            lineBusyUntil.addLast(done);
            return done;
        }

        private void sendLocked(Scheduler sched, Mbuf m, long delay) {
            lock.assertOwned();
            // Always through a timer, even with no delay, so the receiving ring is never taken under this lock.
            inFlight.put(m, sched.schedule(delay, () -> arrive(m)));
        }

        /** The timer of one frame: hands it to the peer NIC (which may still drop it on a full ring). */
        private void arrive(Mbuf m) {
            lock.lock();
            try {
                if (inFlight.remove(m) == null) return; // the link was cut meanwhile
                delivered++;
            } finally {
                lock.unlock();
            }
            to.receive(m);
        }

        private void recordLocked(long n, Set<Fate> fates, int bytes, long sent, long arrival, int flipped) {
            lock.assertOwned();
            if (record.size() < recordFrames) record.add(new FrameRecord(aToB, n, Set.copyOf(fates), bytes, sent, arrival, flipped));
        }

        void cut() {
            List<Mbuf> dropped = new ArrayList<>();
            lock.lock();
            try {
                for (Map.Entry<Mbuf, Scheduler.Cancellable> e : inFlight.entrySet()) {
                    e.getValue().cancel();
                    dropped.add(e.getKey());
                }
                inFlight.clear();
                lost += dropped.size();
            } finally {
                lock.unlock();
            }
            for (Mbuf m : dropped) m.freeChain();
        }

        Counters counters() {
            lock.lock();
            try {
                return new Counters(frames, delivered, lost, queueDrops, reordered, duplicated, corrupted, noMemory,
                        inFlight.size());
            } finally {
                lock.unlock();
            }
        }

        List<FrameRecord> frames() {
            lock.lock();
            try {
                return List.copyOf(record);
            } finally {
                lock.unlock();
            }
        }

        /** Flips bit {@code bit} of the packet (counted from its first byte), as a bad line would. */
        private static void flipBit(Mbuf m, int bit) {
            int at = bit / 8;
            for (Mbuf seg = m; seg != null; seg = seg.next()) {
                if (at < seg.len()) {
                    seg.putU8(at, seg.getU8(at) ^ (1 << (bit % 8)));
                    return;
                }
                at -= seg.len();
            }
        }
    }
}
