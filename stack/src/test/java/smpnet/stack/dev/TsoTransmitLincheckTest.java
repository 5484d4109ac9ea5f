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
 * TSO frames on a TX queue shared with ordinary frames, under Lincheck's stress runs: concurrent senders
 * each send single frames and TSO packets of {@link #FRAMES} segments on a NIC with TSO whose transmit thread
 * drains what they queue (a TSO packet whole, in its descriptors, cut into frames as it is sent), into a
 * link a sender may call itself (direct transmit, {@code claimIdle}). Each segment's payload names its sender and its place in the sender's
 * stream. The check ({@link #allDeliveredInEachSendersOrder}): every frame reached the link once, each
 * sender's frames in its order (a TSO packet's frames together and in order, never overtaken nor
 * overtaking), and the queue's counters add up. {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
public class TsoTransmitLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    private static final StackLocks LOCKS = new StackLocks(LockMode.FINE);
    private static final MbufAllocator ALLOC = new MbufAllocator(
            MbufAllocator.Config.defaults("lincheck-tso").withCpus(2).withTracking(false));
    /** Payload bytes of a segment: the sender's hash and the segment's sequence in its stream. */
    private static final int SEGSZ = 8;
    private static final int FRAMES = 3;
    /** Ethernet, IPv4 and TCP headers of the frames {@link TsoSegmenterTest#frame} builds. */
    private static final int HEADERS = 54;

    private final SimNic nic = new SimNic("t-em0", 1, MacAddress.local(1), 1500, NicConfig.of(1).withTso(true),
            LOCKS, ALLOC);
    private final Map<String, Integer> sent = new HashMap<>(); // guarded by its monitor
    private final List<long[]> seen = new ArrayList<>();        // guarded by its monitor: (sender hash, seq)

    public TsoTransmitLincheckTest() {
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

    /** Sends {@code segments} segments of this sender's stream: one ordinary frame, or a TSO packet. */
    private void send(int segments) {
        String me = Thread.currentThread().getName();
        int first;
        synchronized (sent) {
            first = sent.merge(me, segments, Integer::sum) - segments;
        }
        byte[] payload = new byte[segments * SEGSZ];
        for (int i = 0; i < segments; i++) {
            RssHash.putInt(payload, i * SEGSZ, me.hashCode());
            RssHash.putInt(payload, i * SEGSZ + 4, first + i);
        }
        Mbuf m = TsoSegmenterTest.frame(ALLOC, nic.mac(), payload, 0, segments > 1 ? SEGSZ : 0);
        if (!nic.transmit(m)) throw new IllegalStateException("a 1024-frame ring refused " + segments + " frames");
    }

    @Validate
    public void allDeliveredInEachSendersOrder() {
        nic.awaitTransmitted();
        nic.stop();
        int total = DirectTransmitLincheckTest.checkEachSendersOrder(sent, seen);
        if (nic.counters().outPackets() != total || nic.tsoFrames() != FRAMES * nic.tsoPackets()) {
            throw new IllegalStateException("counters: " + nic.counters().outPackets() + " sent of " + total + ", "
                    + nic.tsoFrames() + " TSO frames of " + nic.tsoPackets() + " packets");
        }
    }

    /** The sequential specification: both operations return nothing in any order. */
    public static final class Spec {
        public void transmit() {}

        public void transmitTso() {}
    }

    @Test
    void stress() {
        StressOptions o = new StressOptions().threads(2).actorsPerThread(4).sequentialSpecification(Spec.class);
        if (LONG) o.iterations(100).invocationsPerIteration(5_000).threads(3).actorsPerThread(5);
        else o.iterations(2).invocationsPerIteration(100);
        o.check(TsoTransmitLincheckTest.class);
    }
}
