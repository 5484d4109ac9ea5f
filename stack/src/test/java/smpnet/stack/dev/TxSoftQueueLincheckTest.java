package smpnet.stack.dev;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.net.MacAddress;
import smpnet.witness.testing.TestSettings;

/**
 * The TX software queue in front of a descriptor ring of two descriptors, under Lincheck's stress runs:
 * concurrent senders send ordinary frames (one descriptor) and TSO packets of {@link #FRAMES} segments (two:
 * a DMA segment and a context descriptor, the whole ring) on a NIC whose transmit thread drains the ring while
 * senders also send directly ({@code claimIdle}), so packets keep finding too few descriptors and wait in the
 * software queue, which the transmit thread and ending direct sends move onto the ring. Each segment's payload
 * names its sender and its place in the sender's stream. The check ({@link #acceptedDeliveredInOrder}): every
 * packet {@code transmit} accepted reached the link once, its frames together, each sender's in its order;
 * every refused one is counted once, as a software queue drop. With 2,048 packets of software queue nothing
 * is refused; {@link Overflowing}'s queue of one packet refuses some. {@code -Dsmpnet.lincheck=long} runs a
 * larger search.
 */
public class TxSoftQueueLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    private static final StackLocks LOCKS = new StackLocks(LockMode.FINE);
    private static final MbufAllocator ALLOC = new MbufAllocator(
            MbufAllocator.Config.defaults("lincheck-txsoft").withCpus(2).withTracking(false));
    private static final int SEGSZ = 8;
    private static final int FRAMES = 3;
    private static final int HEADERS = 54;
    /** Packets that waited in a software queue, over every invocation: the search must have made some wait. */
    private static final java.util.concurrent.atomic.AtomicLong WAITED = new java.util.concurrent.atomic.AtomicLong();

    /** The NIC and its senders, with the default software queue. */
    public static class Roomy {
        private final SimNic nic;
        private final int softQueue;
        /** Per sender (its name's hash): the next segment number, and the numbers of the segments accepted. */
        private final Map<Integer, Integer> next = new HashMap<>();        // guarded by accepted's monitor
        private final Map<Integer, List<Long>> accepted = new HashMap<>(); // guarded by its monitor
        private long refused;                                              // guarded by accepted's monitor
        private final List<long[]> seen = new ArrayList<>();               // guarded by its monitor

        public Roomy() { this(NicConfig.DEFAULT_TX_SOFT_QUEUE); }

        Roomy(int softQueue) {
            this.softQueue = softQueue;
            nic = new SimNic("s-em0", 1, MacAddress.local(1), 1500,
                    NicConfig.of(1).withTso(true).withRingSize(2).withTxSoftQueue(softQueue), LOCKS, ALLOC);
            nic.attachLink(DirectTransmitLincheckTest.recordingLink(seen, frame -> {
                byte[] p = new byte[SEGSZ];
                frame.copyData(HEADERS, SEGSZ, p, 0);
                return new long[] {java.nio.ByteBuffer.wrap(p).getInt(0), java.nio.ByteBuffer.wrap(p).getInt(4)};
            }));
            nic.start();
        }

        @Operation
        public void transmit() { send(1); }

        @Operation
        public void transmitTso() { send(FRAMES); }

        private void send(int segments) {
            int me = Thread.currentThread().getName().hashCode();
            int first;
            synchronized (accepted) {
                first = next.merge(me, segments, Integer::sum) - segments;
            }
            byte[] payload = new byte[segments * SEGSZ];
            for (int i = 0; i < segments; i++) {
                RssHash.putInt(payload, i * SEGSZ, me);
                RssHash.putInt(payload, i * SEGSZ + 4, first + i);
            }
            Mbuf m = TsoSegmenterTest.frame(ALLOC, nic.mac(), payload, 0, segments > 1 ? SEGSZ : 0);
            boolean ok = nic.transmit(m);
            synchronized (accepted) {
                if (ok) {
                    List<Long> mine = accepted.computeIfAbsent(me, k -> new ArrayList<>());
                    for (int i = 0; i < segments; i++) mine.add((long) first + i);
                } else {
                    refused++;
                }
            }
        }

        @Validate
        public void acceptedDeliveredInOrder() {
            nic.awaitTransmitted();
            nic.stop();
            Map<Integer, List<Long>> delivered = new HashMap<>();
            int frames;
            synchronized (seen) {
                frames = seen.size();
                for (long[] d : seen) delivered.computeIfAbsent((int) d[0], k -> new ArrayList<>()).add(d[1]);
            }
            synchronized (accepted) {
                if (!delivered.equals(accepted)) {
                    throw new IllegalStateException("delivered " + delivered + ", accepted " + accepted);
                }
                SimNic.TxRingCounters c = nic.txRingCounters();
            WAITED.addAndGet(c.softQueued());
                if (nic.counters().outPackets() != frames || nic.counters().outDrops() != refused
                        || c.softDrops() != refused || (softQueue >= 2048 && refused != 0)
                        || c.softQueued() < c.noDescriptors() || nic.tsoFrames() != FRAMES * nic.tsoPackets()) {
                    throw new IllegalStateException("counters: " + nic.counters() + ", " + c + ", " + refused
                            + " refused, " + frames + " frames seen, " + nic.tsoFrames() + " TSO frames of "
                            + nic.tsoPackets() + " packets");
                }
            }
        }
    }

    /** As {@link Roomy} with a software queue of one packet: senders find it full. */
    public static final class Overflowing extends Roomy {
        public Overflowing() { super(1); } // Lincheck finds the inherited operations and check
    }

    /** The sequential specification: both operations return nothing in any order. */
    public static final class Spec {
        public void transmit() {}

        public void transmitTso() {}
    }

    private static StressOptions options() {
        StressOptions o = new StressOptions().threads(2).actorsPerThread(4).sequentialSpecification(Spec.class);
        if (LONG) o.iterations(100).invocationsPerIteration(5_000).threads(3).actorsPerThread(5);
        else o.iterations(2).invocationsPerIteration(100);
        return o;
    }

    @Test
    void stress() {
        WAITED.set(0);
        options().check(Roomy.class);
        if (WAITED.get() == 0) throw new AssertionError("no packet ever waited in the software queue");
    }

    @Test
    void stressOverflowing() {
        WAITED.set(0);
        options().check(Overflowing.class);
        if (WAITED.get() == 0) throw new AssertionError("no packet ever waited in the software queue");
    }
}
