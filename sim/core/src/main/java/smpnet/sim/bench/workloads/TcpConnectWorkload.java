package smpnet.sim.bench.workloads;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import smpnet.locking.Scheduler;
import smpnet.sim.bench.results.Tally;

/**
 * Connections per second through one listener between two hosts ({@link TcpNet}). Each of
 * {@link #CLIENTS} client threads, in a loop: opens a socket, connects, writes a request of the case's
 * payload size, reads a reply as long, and closes. Each of {@link #ACCEPTORS} server threads
 * accepts a connection, reads the request, writes the reply, reads the client's FIN and closes: the client
 * closes first, so TIME_WAIT (smpnet's is short: {@link TcpHosts#MSL_MILLIS}) is on the client's side, as it is for an
 * HTTP/1.0 client, and the server's port never meets an old incarnation of a connection.
 *
 * <p>The tally counts connections: generated is connections begun by clients, received is those completed
 * (request and reply exact, closed), dropped is those that failed (the failure is kept, and a failed
 * connection fails the run at the next pause). Latency is one connection's whole exchange, connect to close.
 *
 * <p>Thread use: lane i of {@code lanes} and its begun counter are client thread i's; client threads wait at
 * the gate between connections; acceptors block in {@code accept} when no client connects, so a
 * paused workload uses no CPU. The listener is the harness thread's before {@link #start} and after
 * {@link #stop} has joined every thread.
 */
final class TcpConnectWorkload extends TcpWorkload {
    static final int CLIENTS = 4;
    static final int ACCEPTORS = 4;
    static final int BACKLOG = 128;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final byte[] request;
    private final byte[] reply;
    private final Scheduler scheduler = Scheduler.current();
    private final LatencyLanes lanes = new LatencyLanes(CLIENTS);
    private final LaneCounters begun = new LaneCounters(CLIENTS);
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final List<Thread> clients = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private TcpNet.Listener listener;

    TcpConnectWorkload(TcpNet net, int messageBytes) {
        super(net);
        this.request = message(messageBytes, false);
        this.reply = message(messageBytes, true);
        for (int i = 0; i < CLIENTS; i++) {
            int lane = i;
            clients.add(new Thread(() -> clientLoop(lane), "tcp-client-" + i));
        }
        for (int i = 0; i < ACCEPTORS; i++) acceptors.add(new Thread(this::acceptLoop, "tcp-acceptor-" + i));
    }

    /** The request (client to server) or the reply, {@code n} bytes, different for the two. */
    static byte[] message(int n, boolean reply) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (reply ? 255 - i : i);
        return b;
    }

    @Override
    public void start() throws Exception {
        net.start();
        listener = net.listen(BACKLOG);
        for (Thread t : acceptors) t.start();
        for (Thread t : clients) t.start();
    }

    /** Client thread {@code lane}: one connection per pass of the gate until stopped. */
    private void clientLoop(int lane) {
        byte[] buf = new byte[request.length];
        try {
            net.joinClient();
        } catch (Throwable e) {
            failure = e;
            return;
        }
        while (true) {
            gate.pass();
            if (stopping) return;
            begun.add(lane, 1);
            long t0 = scheduler.nanoTime();
            try (TcpNet.Conn s = net.connect(0, TIMEOUT.toMillis())) {
                if (s.write(request, 0, request.length) != request.length) throw new IllegalStateException("short write of the request");
                readExactly(s, buf, reply, "reply");
            } catch (Throwable e) {
                failed.incrementAndGet();
                failure = e;
                continue;
            }
            lanes.received(lane, t0, scheduler.nanoTime());
        }
    }

    /** An acceptor: serves connections until the listener is closed. */
    private void acceptLoop() {
        byte[] buf = new byte[request.length];
        while (true) {
            TcpNet.Conn s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (!stopping) failure = e;
                return; // the listener was closed
            }
            try (s) {
                readExactly(s, buf, request, "request");
                if (s.write(reply, 0, reply.length) != reply.length) throw new IllegalStateException("short write of the reply");
                if (s.read(buf, 0, 1) >= 0) throw new IllegalStateException("data after the request");
                served.incrementAndGet();
            } catch (Throwable e) {
                failure = e;
            }
        }
    }

    /** Reads exactly {@code expected.length} bytes into {@code buf} and checks they are {@code expected}. */
    private static void readExactly(TcpNet.Conn s, byte[] buf, byte[] expected, String what) throws IOException {
        int at = 0;
        while (at < expected.length) {
            int r = s.read(buf, at, expected.length - at);
            if (r < 0) throw new IllegalStateException("end of stream after " + at + " bytes of the " + what);
            at += r;
        }
        if (!Arrays.equals(buf, 0, at, expected, 0, at)) throw new IllegalStateException("the " + what + " differs");
    }

    @Override
    public void pause() {
        pause(CLIENTS, "clients");
    }

    @Override
    public Tally tally() {
        return new Tally(begun.sum(), lanes.received(), failed.get());
    }

    @Override
    public Histogram takeLatency() {
        return lanes.takeInterval();
    }

    @Override
    public Tally stop(long settleNanos) throws Exception {
        release();
        long deadline = System.nanoTime() + settleNanos;
        for (Thread t : clients) t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        // Every client has closed; the acceptors finish those connections, then the listener goes.
        while (served.get() < lanes.received() && System.nanoTime() < deadline) Thread.sleep(1);
        closeSockets();
        for (Thread t : acceptors) t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        for (Thread t : clients) if (t.isAlive()) throw new IllegalStateException(t.getName() + " did not stop");
        for (Thread t : acceptors) if (t.isAlive()) throw new IllegalStateException(t.getName() + " did not stop");
        if (failure != null) throw new IllegalStateException("a connection failed", failure);
        if (served.get() != lanes.received()) {
            throw new IllegalStateException("clients completed " + lanes.received() + " connections, the server " + served.get());
        }
        finish(); // the clients' last TIME_WAITs
        return tally();
    }

    @Override
    void closeSockets() {
        if (listener == null) return;
        try {
            listener.close();
        } catch (IOException e) {
            if (failure == null) failure = e;
        }
    }
}
