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
 * The hand-off between direct transmit and a NIC's transmit thread ({@link SimNic#transmit}, {@code
 * DriverQueue.claimIdle}/{@code directDone}), under Lincheck's stress runs: concurrent senders on one TX
 * queue whose started transmit thread drains what they queue, into a link a sender may call itself. Whether a
 * frame went directly or through the ring depends on timing by design, so the operations return nothing and
 * the check is {@link #allDeliveredInEachSendersOrder}: after each scenario every frame reached the link
 * exactly once, each sender's frames in the order it sent them, and the direct and transmit-thread
 * deliveries add up to the queue's counters. {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
public class DirectTransmitLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    private static final StackLocks LOCKS = new StackLocks(LockMode.FINE);
    private static final MbufAllocator ALLOC = new MbufAllocator(
            MbufAllocator.Config.defaults("lincheck-direct").withCpus(2).withTracking(false));
    private static final byte[] FRAME = new byte[64];

    /** Per instance: its own NIC and link, so scenarios share nothing. Thread names key each sender's count. */
    private final SimNic nic = new SimNic("l-em0", 1, MacAddress.local(1), 1500, NicConfig.of(1), LOCKS, ALLOC);
    private final Map<String, Integer> sent = new HashMap<>(); // guarded by its monitor (no lock of ours inside)
    private final List<long[]> seen = new ArrayList<>();        // guarded by its monitor: (sender hash, seq, direct)

    public DirectTransmitLincheckTest() {
        nic.attachLink(recordingLink(seen, frame ->
                new long[] {frame.getU32(0), frame.getU32(4), Thread.currentThread().getName().equals("l-em0-tx0") ? 0 : 1}));
        nic.start();
    }

    /**
     * A link a sender may call itself ({@link Link#callableFromSender()}) that adds what {@code read} reads of
     * each frame to {@code seen} (under its monitor) and frees the frame.
     */
    static Link recordingLink(List<long[]> seen, java.util.function.Function<Mbuf, long[]> read) {
        return new Link() {
            @Override
            public void deliver(Mbuf frame) {
                long[] d = read.apply(frame);
                frame.freeChain();
                synchronized (seen) {
                    seen.add(d);
                }
            }

            @Override
            public boolean callableFromSender() {
                return true;
            }
        };
    }

    @Operation
    public void transmit() {
        String me = Thread.currentThread().getName();
        int seq;
        synchronized (sent) {
            seq = sent.merge(me, 1, Integer::sum) - 1;
        }
        Mbuf m = ALLOC.fromBytes(FRAME, 0, FRAME.length, Mbuf.M_NOWAIT);
        m.putU32(0, me.hashCode());
        m.putU32(4, seq);
        if (!nic.transmit(m)) throw new IllegalStateException("a 1024-frame ring refused a frame");
    }

    @Validate
    public void allDeliveredInEachSendersOrder() {
        nic.awaitTransmitted();
        nic.stop();
        int total = checkEachSendersOrder(sent, seen);
        long direct;
        synchronized (seen) {
            direct = seen.stream().mapToLong(d -> d[2]).sum();
        }
        if (direct != nic.directTransmits(0) || nic.counters().outPackets() != total) {
            throw new IllegalStateException("counters: " + direct + " direct seen, " + nic.directTransmits(0)
                    + " counted, " + nic.counters().outPackets() + " sent of " + total);
        }
    }

    /**
     * Checks that {@code seen} (each entry a sender's hash, then its number in that sender's stream) holds
     * every frame {@code sent} counts per sender (thread name), each sender's in order; returns how many.
     */
    static int checkEachSendersOrder(Map<String, Integer> sent, List<long[]> seen) {
        Map<Integer, Integer> next = new HashMap<>();
        int total;
        synchronized (sent) {
            total = sent.values().stream().mapToInt(Integer::intValue).sum();
        }
        synchronized (seen) {
            if (seen.size() != total) throw new IllegalStateException(seen.size() + " of " + total + " frames delivered");
            for (long[] d : seen) {
                int expected = next.getOrDefault((int) d[0], 0);
                if (d[1] != expected) throw new IllegalStateException("frame " + d[1] + " of a sender came before " + expected);
                next.put((int) d[0], expected + 1);
            }
        }
        return total;
    }

    /**
     * The sequential specification: a transmit returns nothing in any order. A class of its own, so that
     * checking a result never starts a NIC that no {@link Validate} would stop.
     */
    public static final class Spec {
        public void transmit() {}
    }

    /** The stress options of a test of {@link Spec}'s one operation: {@code invocations} per iteration unless long. */
    static StressOptions options(int invocations) {
        StressOptions o = new StressOptions().threads(2).actorsPerThread(4).sequentialSpecification(Spec.class);
        if (LONG) o.iterations(100).invocationsPerIteration(5_000).threads(3).actorsPerThread(5);
        else o.iterations(2).invocationsPerIteration(invocations);
        return o;
    }

    @Test
    void stress() {
        options(100).check(DirectTransmitLincheckTest.class);
    }
}
