package smpnet.stack.dev;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import smpnet.stack.internal.os.Posix;
import smpnet.stack.locks.LockMode;
import smpnet.witness.testing.TestSettings;

/**
 * Binding NIC queue threads ({@link SimNic#bindQueues}) while frames flow, under Lincheck's stress runs:
 * senders transmit from one host over a {@link Wire} to a peer with a 2-frame RX ring (so senders pause and
 * threads sleep and wake all the time), while other operations bind both hosts' queue threads among the
 * processors this process may run on, or unbind them. The handshake under test: a request is a field the
 * queue's lock guards and its signal announces; the draining thread applies it between batches, outside
 * the lock. The check is {@link #everyFrameOnceAndEveryThreadOnItsLastRequest}: after each scenario every
 * frame accepted reached the peer exactly once, in each sender's order, with no drop on the peer's ring, and
 * every queue thread has applied the last request made of it (none is lost), its mask as the kernel reports
 * it being the one processor asked for or, once unbound, the mask it started with.
 * {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
public class BindQueuesLincheckTest {
    private static final long PROCESSORS = processors();
    private final TestHost a = new TestHost("qa", 1, LockMode.FINE, NicConfig.of(2).withRingSize(4));
    private final TestHost b = new TestHost("qb", 2, LockMode.FINE, NicConfig.of(2).withRingSize(2));
    private final Map<String, int[]> sent = new HashMap<>(); // guarded by its monitor: {next seq, refused}
    /** The queue threads' creator's mask (this constructor's thread starts them): theirs once unbound. */
    private final long startMask;

    public BindQueuesLincheckTest() {
        Wire.connect(a.nic, b.nic);
        startMask = mask();
        a.nic.start();
        b.nic.start();
    }

    private static long processors() {
        try {
            return Posix.isLinux() ? Posix.processCpus() : 1;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long mask() {
        try {
            return Posix.isLinux() ? Posix.currentThreadCpus() : 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Operation
    public void transmit() {
        WireFlowControlLincheckTest.transmitCounted(sent, a, b);
    }

    @Operation
    public void bind() {
        a.nic.bindQueues(PROCESSORS);
        b.nic.bindQueues(PROCESSORS);
    }

    @Operation
    public void unbind() {
        b.nic.bindQueues(0);
        a.nic.bindQueues(0);
    }

    @Validate
    public void everyFrameOnceAndEveryThreadOnItsLastRequest() throws InterruptedException {
        a.nic.awaitTransmitted();
        b.nic.awaitReceived();
        for (SimNic n : new SimNic[] {a.nic, b.nic}) checkBindings(n); // while the threads run
        a.nic.stop();
        b.nic.stop();
        WireFlowControlLincheckTest.checkDelivered(sent, a, b);
    }

    /** Every queue of {@code nic} applies its last request (woken for it), and runs where that says. */
    private void checkBindings(SimNic nic) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<SimNic.QueueBinding> all = nic.queueBindings();
        while (!all.stream().allMatch(SimNic.QueueBinding::applied)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("a request not applied in 20 s: " + all);
            Thread.sleep(1);
            all = nic.queueBindings();
        }
        for (SimNic.QueueBinding q : all) {
            if (!Posix.isLinux()) {
                if (q.wanted() != 0 && q.failure() == null) throw new IllegalStateException("bound off Linux: " + q);
                continue;
            }
            if (q.failure() != null) throw new IllegalStateException("binding failed: " + q);
            long want = q.wanted();
            if (want != 0 && (want != SimNic.QueueBinding.processorOf(q.cpu(), PROCESSORS) || q.bound() != want)) {
                throw new IllegalStateException("asked " + processorList(want) + ", runs on " + q);
            }
            if (want == 0 && q.bound() != 0 && q.bound() != startMask) { // 0: never bound, or given its start back
                throw new IllegalStateException("unbound, runs on " + q + ", started on " + processorList(startMask));
            }
        }
    }

    /** A mask of the messages above, as a processor list. */
    private static String processorList(long mask) {
        return "processors " + SimNic.QueueBinding.cpuList(mask);
    }

    /** The sequential specification: every operation returns nothing. */
    public static final class Spec {
        public void transmit() {}

        public void bind() {}

        public void unbind() {}
    }

    @Test
    void stress() {
        StressOptions o = new StressOptions().threads(3).actorsPerThread(4).sequentialSpecification(Spec.class);
        if (TestSettings.LINCHECK_LONG) {
            o.iterations(50).invocationsPerIteration(2_000).actorsPerThread(5);
        } else {
            o.iterations(2).invocationsPerIteration(20);
        }
        o.check(BindQueuesLincheckTest.class);
    }
}
