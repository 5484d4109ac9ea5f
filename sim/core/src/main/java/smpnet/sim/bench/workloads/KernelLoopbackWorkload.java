package smpnet.sim.bench.workloads;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import org.HdrHistogram.Histogram;
import smpnet.locking.Scheduler;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.results.Tally;

/**
 * The baseline: Linux's own UDP over loopback, one sender thread and one receiver thread on connected
 * {@link DatagramChannel}s, the payload carrying its send timestamp. The kernel does not tell one socket
 * what it dropped, so drops are the datagrams sent but never received once the receiver has settled
 * (a successful loopback send either reaches the receive buffer or is dropped there). Paused, the sender
 * parks at a {@link RunGate} and the receiver blocks in its read: neither uses CPU.
 */
final class KernelLoopbackWorkload implements ReceiveWorkload {
    private final int payload;
    private final Scheduler scheduler = Scheduler.current();
    private final RunGate gate = new RunGate();
    private final LaneCounters sent = new LaneCounters(1);
    private final LatencyLanes received = new LatencyLanes(1);
    private final DatagramChannel tx;
    private final DatagramChannel rx;
    private volatile boolean sending = true;
    private volatile Throwable failure;
    private Thread sender;
    private Thread receiver;
    /** Set by stop() after both threads have ended; read by the same (harness) thread. */
    private long dropped;

    KernelLoopbackWorkload(int payload) throws IOException {
        this.payload = payload;
        InetAddress lo = InetAddress.getLoopbackAddress();
        rx = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        tx = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        tx.connect(rx.getLocalAddress());
        rx.connect(tx.getLocalAddress());
    }

    @Override
    public void start() {
        receiver = scheduler.startWorker("kernel-udp-rx", 0, this::receiveLoop);
        sender = scheduler.startWorker("kernel-udp-tx", 1, this::sendLoop);
    }

    private void sendLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(payload);
        try {
            while (sending) {
                gate.pass();
                if (!sending) break;
                buf.clear();
                buf.putLong(0, scheduler.nanoTime());
                tx.write(buf);
                sent.add(0, 1);
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(BenchCase.MAX_PAYLOAD);
        try {
            while (true) {
                buf.clear();
                rx.read(buf);
                received.received(0, buf.getLong(0), scheduler.nanoTime());
            }
        } catch (ClosedChannelException e) {
            // stop() closed the channel: the normal way out of a blocking read
        } catch (IOException e) {
            failure = e;
        }
    }

    @Override
    public void resume() {
        gate.open();
    }

    @Override
    public void pause() {
        if (!gate.close(1, RunGate.PAUSE_TIMEOUT_NANOS)) throw new IllegalStateException("the sender did not pause");
    }

    @Override
    public Tally tally() {
        return new Tally(sent.sum(), received.received(), dropped);
    }

    @Override
    public Histogram takeLatency() {
        return received.takeInterval();
    }

    @Override
    public Tally stop(long settleNanos) throws Exception {
        sending = false;
        gate.open();
        sender.join();
        long deadline = scheduler.nanoTime() + settleNanos;
        long last = -1;
        // The receiver has settled when a short pause brings nothing more (or everything has arrived).
        while (received.received() != last && received.received() < sent.sum() && scheduler.nanoTime() < deadline) {
            last = received.received();
            Thread.sleep(20);
        }
        close();
        receiver.join();
        if (failure != null) throw new IOException("kernel loopback workload failed", failure);
        dropped = sent.sum() - received.received();
        return tally();
    }

    @Override
    public void close() {
        sending = false;
        gate.open();
        try {
            tx.close();
            rx.close();
        } catch (IOException e) {
            failure = e;
        }
    }
}
