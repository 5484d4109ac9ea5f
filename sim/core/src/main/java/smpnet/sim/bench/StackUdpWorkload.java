package smpnet.sim.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import smpnet.locking.Scheduler;
import smpnet.stack.net.MacAddress;
import smpnet.stack.dev.RssHash;

/**
 * smpnet's UDP receive path under load: a host whose NIC has one RX queue per CPU (as drivers size RSS),
 * each queue's ithread synthesising frames of its flows ({@link BenchGenerator}), and one socket per flow
 * that the same ithread drains. {@link #FLOWS} flows are spread evenly over the queues by the NIC's own RSS
 * hash. One busy thread per CPU: two ithreads on one core would measure time slicing and lock-holder
 * preemption (a waiter waits out the holder's whole scheduling round), not locking.
 *
 * <p>Thread use: queue q's sockets, buffer and latency lane belong to queue q's ithread while it runs, and
 * to the harness thread once {@link #stop} has seen that ithread exit (the NIC's exit handshake orders the
 * two). {@code settledDrops} and {@code closed} are the harness thread's alone.
 */
final class StackUdpWorkload implements ReceiveWorkload {
    static final int FLOWS = 32;
    static final int SRC_IP = 0x0a01_0001; // 10.1.0.1, the simulated sender
    static final int SRC_PORT = 10_000;
    static final int DST_PORT = 20_000;

    private final BenchHost host;
    private final BenchHost.Socket[] sockets;
    private final int[][] flowsOfQueue;
    private final int queues;
    private final LatencyLanes lanes;
    private final BenchGenerator generator;
    private final Scheduler scheduler = Scheduler.current();
    private final RunGate gate = new RunGate();
    private final byte[][] buffers;
    private volatile Throwable failure;
    private long settledDrops = -1;
    private boolean closed;

    StackUdpWorkload(BenchHost host, int payload) throws Exception {
        this.host = host;
        this.queues = host.nic().rxQueueCount();
        this.lanes = new LatencyLanes(queues);
        this.buffers = new byte[queues][BenchCase.MAX_PAYLOAD];
        List<int[]> flows = chooseFlows(host.nic().rss(), host.address(), queues);
        int n = flows.size();
        int[] sports = new int[n];
        int[] dports = new int[n];
        int[] hashes = new int[n];
        flowsOfQueue = new int[queues][FLOWS / queues];
        int[] filled = new int[queues];
        sockets = new BenchHost.Socket[n];
        for (int f = 0; f < n; f++) {
            int[] flow = flows.get(f);
            sports[f] = flow[0];
            dports[f] = flow[1];
            hashes[f] = flow[2];
            flowsOfQueue[flow[3]][filled[flow[3]]++] = f;
        }
        // Queue by queue: the sockets (and pcbs) of one ithread are allocated together, so few of them
        // share a cache line with another ithread's, which would make every delivery a line transfer.
        for (int[] ofQueue : flowsOfQueue) {
            for (int f : ofQueue) sockets[f] = host.bindUdp(dports[f]);
        }
        FlowFrames frames = new FlowFrames(host.nic().mac(), MacAddress.local(0x5e_0001), SRC_IP, host.address(),
                sports, dports, hashes, payload);
        generator = new BenchGenerator(frames, host.allocator(), flowsOfQueue, this::drain, gate);
        for (int q = 0; q < queues; q++) host.nic().setGenerator(q, generator);
    }

    /**
     * Flows (source port, destination port, RSS hash, queue) until each of the {@code queues} RX queues
     * has its share: flow i goes from port SRC_PORT + i to DST_PORT + i, and is kept if its queue still
     * needs flows.
     */
    static List<int[]> chooseFlows(RssHash rss, int dstIp, int queues) {
        List<int[]> out = new ArrayList<>();
        int[] perQueue = new int[queues];
        for (int i = 0; out.size() < FLOWS; i++) {
            if (i > 10_000) throw new IllegalStateException("RSS puts too few flows on some queue");
            int sport = SRC_PORT + i;
            int dport = DST_PORT + i;
            int hash = rss.hashIpv4(SRC_IP, dstIp, sport, dport);
            int q = rss.queueOf(hash);
            if (perQueue[q] < FLOWS / queues) {
                perQueue[q]++;
                out.add(new int[] {sport, dport, hash, q});
            }
        }
        return out;
    }

    /** Receives everything waiting on queue {@code q}'s sockets, as the application; returns how many. */
    private int drain(int q) {
        byte[] buf = buffers[q];
        int got = 0;
        try {
            for (int f : flowsOfQueue[q]) {
                while (sockets[f].receiveNow(buf) >= 0) {
                    if (lanes.countAndSample(q)) lanes.sample(q, FlowFrames.sentNanos(buf), scheduler.nanoTime());
                    got++;
                }
            }
        } catch (Exception e) {
            failure = e;
        }
        return got;
    }

    @Override
    public void start() {
        host.start();
    }

    @Override
    public void resume() {
        gate.open();
    }

    @Override
    public void pause() {
        if (!gate.close(queues, RunGate.PAUSE_TIMEOUT_NANOS)) {
            throw new IllegalStateException("only " + gate.held() + " of " + queues + " ithreads paused");
        }
    }

    @Override
    public Tally tally() {
        return new Tally(generator.generated(), lanes.received(), settledDrops >= 0 ? settledDrops : host.drops());
    }

    @Override
    public Histogram takeLatency() {
        return lanes.takeInterval();
    }

    @Override
    public Tally stop(long settleNanos) throws Exception {
        generator.stop();
        for (int q = 0; q < queues; q++) host.nic().awaitGenerator(q);
        // The ithreads have left: what their last batches delivered is received here, by this thread.
        for (int q = 0; q < queues; q++) drain(q);
        if (failure != null) throw new IllegalStateException("receiving failed", failure);
        close();
        settledDrops = host.drops();
        return tally();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        generator.stop(); // a paused ithread must leave the gate before the host can stop it
        for (BenchHost.Socket s : sockets) {
            if (s != null) s.close();
        }
        host.close();
    }
}
