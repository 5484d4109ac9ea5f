package smpnet.bench.mbuf;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufTransfer;

/**
 * A sender worker (CPU 0) builds packets in its allocator and passes them over a single-producer ring to a
 * receiver worker (CPU 1), which reads and frees them: {@code HANDOFF} passes the mbufs themselves,
 * {@code COPY} copies each packet into the receiver's allocator and frees the original at once. One
 * invocation moves {@link #BATCH} packets; the score is packets per microsecond.
 */
@State(Scope.Benchmark)
public class TransferBench extends MbufBenchSettings {
    static final int BATCH = 256;
    private static final int RING = 64;

    @Param({"HANDOFF", "COPY"})
    public MbufTransfer mode;

    @Param({"64", "1500"})
    public int size;

    private MbufAllocator senderMemory;
    private MbufAllocator receiverMemory;
    private final AtomicReferenceArray<Mbuf> ring = new AtomicReferenceArray<>(RING);
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private volatile boolean stop;
    private Thread sender;
    private Thread receiver;

    @Setup(Level.Trial)
    public void start() {
        MbufAllocator.Config c = MbufAllocator.Config.defaults("sender").withCpus(2).withTracking(false);
        senderMemory = new MbufAllocator(c);
        receiverMemory = new MbufAllocator(new MbufAllocator.Config("receiver", 2, c.mbufLimit(), c.clusterLimit(),
                c.bucketSize(), c.waitTimeoutNanos(), false));
        byte[] payload = new byte[size];
        sender = Scheduler.current().startWorker("sender", 0, () -> sendLoop(payload));
        receiver = Scheduler.current().startWorker("receiver", 1, this::receiveLoop);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stop = true;
        sender.join();
        receiver.join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long moveBatch() {
        long target = requested.addAndGet(BATCH);
        for (int i = 0; consumed.get() < target; i++) Scheduler.current().spinWait(i);
        return target;
    }

    private void sendLoop(byte[] payload) {
        long sent = 0;
        int idle = 0;
        while (!stop) {
            if (sent == requested.get()) {
                Scheduler.current().spinWait(idle++);
                continue;
            }
            idle = 0;
            Mbuf m = senderMemory.fromBytes(payload, 0, payload.length, Mbuf.M_NOWAIT);
            Mbuf moved = mode.transfer(m, receiverMemory, Mbuf.M_NOWAIT);
            long t = tail.get();
            for (int i = 0; t - head.get() == RING && !stop; i++) Scheduler.current().spinWait(i);
            ring.set((int) (t % RING), moved);
            tail.lazySet(t + 1);
            sent++;
        }
    }

    private void receiveLoop() {
        int idle = 0;
        while (!stop || head.get() != tail.get()) {
            long h = head.get();
            if (h == tail.get()) {
                if (stop) break;
                Scheduler.current().spinWait(idle++);
                continue;
            }
            idle = 0;
            Mbuf m = ring.get((int) (h % RING));
            ring.set((int) (h % RING), null);
            head.lazySet(h + 1);
            if (m.getU8(0) != 0) throw new IllegalStateException("payload corrupted");
            m.freeChain();
            consumed.incrementAndGet();
        }
    }
}
