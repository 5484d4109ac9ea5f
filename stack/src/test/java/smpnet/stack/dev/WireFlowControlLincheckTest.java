package smpnet.stack.dev;

import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import smpnet.stack.locks.LockMode;

/**
 * A {@link Wire}'s flow control under Lincheck's stress runs: concurrent senders on one host whose frames
 * cross to a peer with a 2-frame RX ring, so the peer's ithread is outrun all the time and senders pause
 * (direct senders put their frame back at the head of their 4-frame TX ring, the transmit thread waits for
 * room). Whether a frame went directly, waited, or found the TX ring full (refused: ENOBUFS) depends on
 * timing, so the operations return nothing and the check is {@link #noFrameLostOnTheWire}: after each
 * scenario every frame the sender accepted reached the peer exactly once, each sender's in the order it
 * sent them, the peer's ring dropped nothing, and the sender's TX drops are exactly its refusals.
 * {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
public class WireFlowControlLincheckTest {
    /** Per instance: its own hosts and wire, so scenarios share nothing. Thread names key each sender's count. */
    private final TestHost a = new TestHost("la", 1, LockMode.FINE, NicConfig.of(1).withRingSize(4));
    private final TestHost b = new TestHost("lb", 2, LockMode.FINE, NicConfig.of(1).withRingSize(2));
    private final Map<String, int[]> sent = new HashMap<>(); // guarded by its monitor: {next seq, refused}

    public WireFlowControlLincheckTest() {
        Wire.connect(a.nic, b.nic);
        a.nic.start();
        b.nic.start();
    }

    @Operation
    public void transmit() {
        transmitCounted(sent, a, b);
    }

    /**
     * Sends one frame of the calling thread's flow (its name's hash) from {@code a} to {@code b}, numbered in
     * {@code sent} (per thread {next seq, refused}, guarded by its monitor), counting a refusal (ENOBUFS).
     */
    static void transmitCounted(Map<String, int[]> sent, TestHost a, TestHost b) {
        String me = Thread.currentThread().getName();
        int flow = me.hashCode() & 0xffff;
        int seq;
        synchronized (sent) {
            seq = sent.computeIfAbsent(me, k -> new int[2])[0]++;
        }
        if (!a.nic.transmit(a.udp(b.nic.mac(), flow, seq, 8))) {
            synchronized (sent) {
                sent.get(me)[1]++;
            }
        }
    }

    @Validate
    public void noFrameLostOnTheWire() {
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        a.nic.stop();
        b.nic.stop();
        checkDelivered(sent, a, b);
    }

    /**
     * After the senders' frames are all out and received: every frame {@code a} accepted (per sender,
     * {@code sent} holds {next seq, refused}, guarded by its monitor) reached {@code b} exactly once, each
     * sender's in order, {@code b}'s ring dropped nothing, and {@code a}'s TX drops are exactly its refusals.
     */
    static void checkDelivered(Map<String, int[]> sent, TestHost a, TestHost b) {
        int total = 0;
        int refused = 0;
        synchronized (sent) {
            for (int[] s : sent.values()) {
                total += s[0];
                refused += s[1];
            }
        }
        Map<Integer, Integer> last = new HashMap<>();
        synchronized (b.seen) {
            if (b.seen.size() != total - refused) {
                throw new IllegalStateException(b.seen.size() + " frames arrived of " + total + " sent, " + refused + " refused");
            }
            for (TestHost.Seen s : b.seen) {
                Integer before = last.put(s.flow(), s.seq());
                if (before != null && s.seq() <= before) {
                    throw new IllegalStateException("flow " + s.flow() + ": frame " + s.seq() + " after " + before);
                }
            }
        }
        if (b.nic.counters().inDrops() != 0 || a.nic.counters().outDrops() != refused) {
            throw new IllegalStateException("drops: peer ring " + b.nic.counters().inDrops() + ", sender's TX ring "
                    + a.nic.counters().outDrops() + " for " + refused + " refused");
        }
    }

    /** The sequential specification is {@link DirectTransmitLincheckTest.Spec}'s: a transmit returns nothing. */
    @Test
    void stress() {
        DirectTransmitLincheckTest.options(20).check(WireFlowControlLincheckTest.class);
    }
}
