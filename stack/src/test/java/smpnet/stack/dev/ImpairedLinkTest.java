package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.dev.ImpairedLink.Fate;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.ImpairedLink.FrameRecord;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;

/**
 * Each impairment of {@link ImpairedLink}, on virtual time: its statistics over many frames (within a
 * four-sigma bound of the configured probability), exact serialization and queue drops, reorder depth,
 * duplicates and one-bit corruption, and that the receiver saw exactly what the counters and the frame
 * record say.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class ImpairedLinkTest {
    private static final int PAYLOAD = 58; // 100-byte frames
    private static final int FRAME = 100;
    private static final int ETHER = 14;
    private static final int SEQ = LoadFrames.HEADERS - ETHER + 4;

    /** What b's IP layer saw: sequence numbers in arrival order, arrival times, and the packets' bytes. */
    private static final class Received {
        final List<Integer> seqs = Collections.synchronizedList(new ArrayList<>());
        final List<Long> times = Collections.synchronizedList(new ArrayList<>());
        final List<byte[]> bytes = Collections.synchronizedList(new ArrayList<>());
    }

    /**
     * Sends {@code n} frames a to b over a link impaired by {@code imp} (seed 99), {@code gapNanos} apart in
     * virtual time, waits until all have arrived, and hands the link and what b received to {@code check}.
     */
    private static void run(Impairments imp, int n, long gapNanos, List<byte[]> sent, BiConsumer<ImpairedLink, Received> check) {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withRingSize(8192));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withRingSize(8192));
        Received got = new Received();
        b.handler = m -> { // the IP packet: Ethernet input has stripped the 14-byte header
            got.seqs.add(m.getU32(SEQ));
            got.times.add(Scheduler.current().nanoTime());
            got.bytes.add(m.toBytes());
            m.freeChain();
        };
        ImpairedLink link = ImpairedLink.connect(a.nic, b.nic, imp, Impairments.NONE, 99, n);
        DeterministicScheduler s = new DeterministicScheduler(DeterministicScheduler.Options.seed(1));
        s.spawn("test", () -> {
            a.nic.start();
            b.nic.start();
            for (int i = 0; i < n; i++) {
                Mbuf m = a.udp(b.nic.mac(), 0, i, PAYLOAD);
                if (sent != null) sent.add(m.toBytes());
                a.nic.transmit(m);
                if (gapNanos > 0) Scheduler.current().parkNanos("gap", gapNanos);
            }
            Scheduler.current().parkNanos("drain", Duration.ofSeconds(10).toNanos());
            b.nic.awaitReceived();
            a.nic.stop();
            b.nic.stop();
            link.close();
        });
        s.run();
        check.accept(link, got);
    }

    /** Four standard deviations of a binomial count's rate around {@code p}, over {@code n} trials. */
    private static void assertRate(double p, long count, int n, String what) {
        double bound = 4 * Math.sqrt(p * (1 - p) / n);
        double rate = (double) count / n;
        assertTrue(Math.abs(rate - p) <= bound, what + " rate " + rate + " not within " + p + " +- " + bound);
    }

    private static Set<Long> framesWith(ImpairedLink link, Fate fate) {
        Set<Long> out = new HashSet<>();
        for (FrameRecord r : link.frames(true)) if (r.fates().contains(fate)) out.add(r.frame() - 1); // frame 1 is seq 0
        return out;
    }

    @Test
    void lossStaysWithinItsConfidenceBoundAndTheReceiverMissesExactlyTheLostFrames() {
        int n = 4000;
        run(Impairments.NONE.withLoss(0.1), n, 0, null, (link, got) -> {
            ImpairedLink.Counters c = link.counters(true);
            assertRate(0.1, c.lost(), n, "loss");
            assertEquals(new ImpairedLink.Counters(n, n - c.lost(), c.lost(), 0, 0, 0, 0, 0, 0), c);
            Set<Long> missing = new HashSet<>();
            for (long i = 0; i < n; i++) missing.add(i);
            for (int seq : got.seqs) missing.remove((long) seq);
            assertEquals(framesWith(link, Fate.LOST), missing);
            assertEquals(new ImpairedLink.Counters(0, 0, 0, 0, 0, 0, 0, 0, 0), link.counters(false));
        });
    }

    @Test
    void bandwidthSerializesFramesAndAFullQueueDropsAtItsTail() {
        // 1 Mbit/s: a 100-byte frame takes 800 us; one on the line and 10 waiting, 50 sent at once.
        Impairments imp = Impairments.NONE.withBandwidth(1_000_000, 10).withLatency(Duration.ofMillis(2), Duration.ZERO);
        run(imp, 50, 0, null, (link, got) -> {
            assertEquals(new ImpairedLink.Counters(50, 11, 0, 39, 0, 0, 0, 0, 0), link.counters(true));
            List<Long> expected = new ArrayList<>();
            for (int k = 1; k <= 11; k++) expected.add(k * 800_000L + 2_000_000L);
            assertEquals(expected, got.times);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), got.seqs);
            assertEquals(39, framesWith(link, Fate.QUEUE_DROP).size());
        });
    }

    @Test
    void reorderedFramesAreOvertakenByAtMostTheFramesSentDuringTheirDelay() {
        // 10 Mbit/s: 80 us a frame; a reordered frame waits 400 us more, so at most 4 later frames pass it.
        int n = 3000;
        Impairments imp = Impairments.NONE.withBandwidth(10_000_000, n).withReorder(0.05, Duration.ofNanos(400_000));
        run(imp, n, 0, null, (link, got) -> {
            ImpairedLink.Counters c = link.counters(true);
            assertRate(0.05, c.reordered(), n, "reorder");
            assertEquals(n, got.seqs.size());
            Map<Integer, Integer> depth = reorderDepths(got.seqs);
            Set<Long> overtaken = new HashSet<>();
            int max = 0;
            for (Map.Entry<Integer, Integer> e : depth.entrySet()) {
                if (e.getValue() > 0) overtaken.add((long) e.getKey());
                max = Math.max(max, e.getValue());
            }
            assertEquals(4, max);
            Set<Long> reordered = framesWith(link, Fate.REORDERED);
            reordered.removeIf(seq -> seq >= n - 5); // too near the end for four frames to pass
            overtaken.removeIf(seq -> seq >= n - 5);
            assertEquals(reordered, overtaken);
        });
    }

    /** For each frame, how many frames sent after it arrived before it. */
    private static Map<Integer, Integer> reorderDepths(List<Integer> arrival) {
        Map<Integer, Integer> depth = new HashMap<>();
        Set<Integer> arrived = new HashSet<>();
        for (int seq : arrival) {
            int later = 0;
            for (int s : arrived) if (s > seq) later++;
            depth.put(seq, later);
            arrived.add(seq);
        }
        return depth;
    }

    @Test
    void duplicatesArriveTwiceAndAreCounted() {
        int n = 2000;
        run(Impairments.NONE.withDuplicate(0.1), n, 0, null, (link, got) -> {
            ImpairedLink.Counters c = link.counters(true);
            assertRate(0.1, c.duplicated(), n, "duplicate");
            assertEquals(n + c.duplicated(), got.seqs.size());
            assertEquals(n + c.duplicated(), c.delivered());
            Map<Integer, Integer> times = new HashMap<>();
            for (int seq : got.seqs) times.merge(seq, 1, Integer::sum);
            Set<Long> twice = new HashSet<>();
            times.forEach((seq, k) -> { if (k == 2) twice.add((long) seq); });
            assertEquals(framesWith(link, Fate.DUPLICATED), twice);
            assertTrue(times.values().stream().allMatch(k -> k <= 2));
        });
    }

    @Test
    void corruptionFlipsExactlyTheRecordedBitOfTheCountedFrames() {
        int n = 2000;
        List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
        run(Impairments.NONE.withCorrupt(0.1), n, 0, sent, (link, got) -> {
            ImpairedLink.Counters c = link.counters(true);
            assertRate(0.1, c.corrupted(), n, "corruption");
            List<FrameRecord> record = link.frames(true);
            assertEquals(c.corrupted(), record.stream().filter(f -> f.flippedBit() >= 0).count());
            // No loss, no reordering: b's IP layer sees the frames in send order, less those whose flip broke
            // the Ethernet header (a destination that is not b, a type that is not IP), each as the link says.
            int j = 0;
            long changed = 0;
            for (byte[] packet : got.bytes) {
                while (!java.util.Arrays.equals(packet, expectedPacket(sent.get(j), record.get(j).flippedBit()))) {
                    assertTrue(record.get(j).flippedBit() >= 0 && record.get(j).flippedBit() < ETHER * 8,
                            "frame " + j + " did not arrive, and no flip in its Ethernet header explains it");
                    j++;
                }
                if (record.get(j).flippedBit() >= 0) changed++;
                j++;
            }
            for (; j < n; j++) assertTrue(record.get(j).flippedBit() >= 0 && record.get(j).flippedBit() < ETHER * 8);
            assertTrue(changed > c.corrupted() * 3 / 4, changed + " of " + c.corrupted() + " corrupted frames reached IP");
        });
    }

    /** The IP packet of frame {@code frame} after the link flipped {@code bit} (or none: -1). */
    private static byte[] expectedPacket(byte[] frame, int bit) {
        byte[] f = frame.clone();
        if (bit >= 0) f[bit / 8] ^= (byte) (1 << (bit % 8));
        return java.util.Arrays.copyOfRange(f, ETHER, f.length);
    }

    @Test
    void latencyAndJitterDelayEachFrameWithinTheirRangeAndKeepTheOrder() {
        int n = 1000;
        Impairments imp = Impairments.NONE.withLatency(Duration.ofMillis(1), Duration.ofNanos(500_000));
        run(imp, n, 1_000_000, null, (link, got) -> {
            double sum = 0;
            for (FrameRecord f : link.frames(true)) {
                long delay = f.arrivalNanos() - f.sentNanos();
                assertTrue(delay >= 1_000_000 && delay <= 1_500_000, "delay " + delay);
                sum += delay;
            }
            // Uniform jitter on [0, 500 us]: mean 250 us, standard deviation 144 us; four sigma of the mean.
            double meanJitter = sum / n - 1_000_000;
            assertTrue(Math.abs(meanJitter - 250_000) <= 4 * 144_338 / Math.sqrt(n), "mean jitter " + meanJitter);
            List<Integer> inOrder = new ArrayList<>();
            for (int i = 0; i < n; i++) inOrder.add(i);
            assertEquals(inOrder, got.seqs);
        });
    }

    @Test
    void twoTransmitThreadsOnFreeThreadsGetCountersThatAddUp() {
        // Two TX queues: two real transmit threads carry frames over one direction at once, on the real clock.
        int n = 1000;
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(2).withRingSize(8192));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1).withRingSize(8192));
        Set<Integer> seen = Collections.synchronizedSet(new HashSet<>());
        java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
        b.handler = m -> {
            seen.add(m.getU32(SEQ));
            arrivals.incrementAndGet();
            m.freeChain();
        };
        ImpairedLink link = ImpairedLink.connect(a.nic, b.nic, Impairments.NONE.withLoss(0.2).withDuplicate(0.1)
                .withLatency(Duration.ofNanos(100_000), Duration.ofNanos(100_000)), Impairments.NONE, 7, n);
        a.nic.start();
        b.nic.start();
        // A frame without a flow hash goes to the TX queue of the sender's CPU: one sender on CPU 0, one on 1.
        Thread[] senders = new Thread[2];
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        for (int cpu = 0; cpu < 2; cpu++) {
            int first = cpu;
            senders[cpu] = smpnet.locking.FreeScheduler.INSTANCE.startWorker("sender" + cpu, cpu, () -> {
                for (int i = first; i < n; i += 2) if (!a.nic.transmit(a.udp(b.nic.mac(), first, i, PAYLOAD))) refused.incrementAndGet();
            });
        }
        for (Thread t : senders) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(0, refused.get());
        a.nic.awaitTransmitted();
        assertEquals(n / 2, a.nic.txCounters(0).outPackets());
        assertEquals(n / 2, a.nic.txCounters(1).outPackets());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (link.counters(true).inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1); // the test thread only polls: the link's timers run on the callout thread
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        link.close();
        ImpairedLink.Counters c = link.counters(true);
        assertEquals(n, c.frames());
        assertEquals(0, c.inFlight());
        assertEquals(n - c.lost() + c.duplicated(), c.delivered());
        assertEquals(c.delivered(), arrivals.get());
        assertEquals(n - c.lost(), seen.size()); // every frame not lost arrived, once or twice
        assertEquals(c.lost(), framesWith(link, Fate.LOST).size());
        assertEquals(c.duplicated(), framesWith(link, Fate.DUPLICATED).size());
    }

    @Test
    void impairmentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Impairments.NONE.withLoss(1.5));
        assertThrows(IllegalArgumentException.class, () -> Impairments.NONE.withLatency(Duration.ofMillis(-1), Duration.ZERO));
        assertEquals(800_000, Impairments.NONE.withBandwidth(1_000_000, 1).serializationNanos(FRAME));
    }
}
