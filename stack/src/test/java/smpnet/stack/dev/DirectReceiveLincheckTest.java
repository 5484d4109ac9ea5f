package smpnet.stack.dev;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import smpnet.stack.internal.net.DirectReceive;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.MacAddress;
import smpnet.witness.testing.TestSettings;

/**
 * The hand-off between direct receive and a NIC's interrupt thread ({@link DirectReceive}, {@code
 * DriverQueue.claimBatch}/{@code takeClaimed}/{@code directDone}/{@code kick}), under Lincheck's stress runs:
 * concurrent senders, each putting a frame on one RX queue from inside a direct-receive region and draining
 * at its close, while the started interrupt thread takes what the senders leave (a ring another claim holds,
 * or the thread busy with a batch). Who hands a frame up depends on timing by design, so the operations
 * return nothing and the check is {@link #allHandedUpOnceInEachSendersOrder}: after each scenario every frame
 * went up exactly once, each sender's in the order it put them, none is left on the ring (a held-back
 * wake-up was never lost), and the queue's counters count them all. {@code -Dsmpnet.lincheck=long} runs a
 * larger search.
 */
public class DirectReceiveLincheckTest {
    /** Per instance: its own host and NIC, so scenarios share nothing. Thread names key each sender's count. */
    private final TestHost host = new TestHost("d", 1, LockMode.FINE, NicConfig.of(1));
    private final Map<String, Integer> sent = new HashMap<>(); // guarded by its monitor (no lock of ours inside)
    private final List<long[]> seen = new ArrayList<>();        // guarded by its monitor: (sender hash, seq, by ithread)

    public DirectReceiveLincheckTest() {
        host.handler = m -> {
            long[] d = {m.getU32(TestHostPayload.OFFSET), m.getU32(TestHostPayload.OFFSET + 4),
                    Thread.currentThread().getName().equals("d-em0-rx0") ? 1 : 0};
            m.freeChain();
            synchronized (seen) {
                seen.add(d);
            }
        };
        host.nic.setReceiveDirect(true);
        host.nic.start();
    }

    /** Where the (sender, seq) pair lies in the IP packet the handler sees: {@link TestHost#udp}'s payload. */
    private static final class TestHostPayload {
        static final int OFFSET = LoadFrames.HEADERS - smpnet.stack.internal.net.Ifnet.ETHER_HDR_LEN;
    }

    @Operation
    public void receiveInRegion() {
        String me = Thread.currentThread().getName();
        int seq;
        synchronized (sent) {
            seq = sent.merge(me, 1, Integer::sum) - 1;
        }
        Mbuf m = host.udp(MacAddress.BROADCAST, me.hashCode(), seq, 8);
        try (DirectReceive d = DirectReceive.open()) {
            // the ring holds back its thread's wake-up and the region's close drains it, if that thread is idle
            if (!host.nic.receive(m)) throw new IllegalStateException("a 1024-frame ring refused a frame");
        }
    }

    @Validate
    public void allHandedUpOnceInEachSendersOrder() {
        host.nic.awaitReceived();
        host.nic.stop();
        int total = DirectTransmitLincheckTest.checkEachSendersOrder(sent, seen);
        synchronized (seen) {
            DIRECT.addAndGet(seen.stream().filter(d -> d[2] == 0).count());
        }
        if (host.nic.counters().inPackets() != total) {
            throw new IllegalStateException("counters: " + host.nic.counters().inPackets() + " received of " + total);
        }
        if (host.alloc.stats().mbufs().inUse() != 0) throw new IllegalStateException("mbufs left: " + host.alloc.stats());
    }

    /** Frames handed up by a sender itself, over every scenario: the direct path must have been taken. */
    private static final java.util.concurrent.atomic.AtomicLong DIRECT = new java.util.concurrent.atomic.AtomicLong();

    /** The sequential specification: a receive returns nothing in any order. */
    public static final class Spec {
        public void receiveInRegion() {}
    }

    @Test
    void stress() {
        StressOptions o = new StressOptions().threads(2).actorsPerThread(4).sequentialSpecification(Spec.class);
        if (TestSettings.LINCHECK_LONG) o.iterations(100).invocationsPerIteration(5_000).threads(3).actorsPerThread(5);
        else o.iterations(2).invocationsPerIteration(100);
        o.check(DirectReceiveLincheckTest.class);
        if (DIRECT.get() == 0) throw new AssertionError("no frame was handed up by its sender");
    }
}
