package smpnet.sim.scenario;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import smpnet.sim.determ.Simulation;
import smpnet.sim.scenario.ScenarioResult.WorkloadResult;
import smpnet.sim.scenario.ScenarioSpec.TcpWorkload;
import smpnet.stack.Stack;
import smpnet.stack.socket.TcpSocket;
import smpnet.sim.apps.Messages;
import smpnet.stack.socket.SocketError;

/**
 * The TCP workloads: a server on one host (an accept loop and a thread per connection) and a client on another.
 * {@code tcp-bulk}: one connection carrying {@code bytes} one way. {@code tcp-rr} and {@code tcp-connections}:
 * {@code connections} connections open at once, each carrying {@code count} requests of {@code payload} bytes
 * that the server echoes, the client writing one request on every connection before reading the replies. A
 * stack without TCP reports "needs TCP" and runs nothing.
 */
final class TcpWorkloads {
    private TcpWorkloads() {}

    static WorkloadResult run(TcpWorkload k, Map<String, Stack> stacks, Simulation sim) throws Exception {
        Stack server = stacks.get(k.server()), client = stacks.get(k.client());
        TcpSocket listener;
        try {
            listener = server.openTcp();
        } catch (UnsupportedOperationException e) {
            return new WorkloadResult(k.label(), "needs TCP (" + e.getMessage() + "): not run", Double.NaN, unit(k));
        }
        boolean bulk = k.kind().equals("tcp-bulk");
        int connections = bulk ? 1 : k.connections();
        listener.bind(new InetSocketAddress(k.port())).listen(connections);
        // What the server's threads counted: bytes received, requests echoed, connections ended. The client
        // thread reads them once every connection ended (it waits for that below).
        AtomicLong received = new AtomicLong(), echoed = new AtomicLong();
        AtomicInteger ended = new AtomicInteger();
        sim.spawn("tcp-accept-" + k.server(), () -> {
            for (int i = 0; i < connections; i++) {
                TcpSocket c = listener.accept();
                sim.spawn("tcp-conn-" + k.server() + "-" + i, () -> {
                    serve(c, bulk ? 0 : k.payload(), received, echoed);
                    ended.incrementAndGet();
                });
            }
            listener.close();
        });
        long start = client.config().scheduler().nanoTime();
        InetSocketAddress to = new InetSocketAddress(k.serverAddress(), k.port());
        List<TcpSocket> socks = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            TcpSocket s = client.openTcp();
            s.connect(to);
            socks.add(s);
        }
        String summary;
        double rate;
        if (bulk) {
            byte[] chunk = new byte[64 * 1024];
            long left = k.bytes();
            while (left > 0) left -= socks.getFirst().write(chunk, 0, (int) Math.min(chunk.length, left));
            socks.getFirst().close();
            awaitServer(client, ended, connections);
            double secs = (client.config().scheduler().nanoTime() - start) / 1e9;
            rate = k.bytes() * 8 / secs;
            summary = String.format(Locale.ROOT, "%d bytes sent, %d received by the server in %.3f s: %,.0f bit/s", k.bytes(),
                    received.get(), secs, rate);
        } else {
            Histogram latency = new Histogram(3);
            long replies = 0;
            byte[] request = new byte[k.payload()];
            byte[] reply = new byte[k.payload()];
            for (int round = 0; round < k.count(); round++) {
                long sent = client.config().scheduler().nanoTime();
                for (TcpSocket s : socks) s.write(request);
                for (TcpSocket s : socks) {
                    if (Messages.readFully(s, reply)) replies++;
                    latency.recordValue((client.config().scheduler().nanoTime() - sent) / 1000);
                }
            }
            for (TcpSocket s : socks) s.close();
            awaitServer(client, ended, connections);
            double secs = (client.config().scheduler().nanoTime() - start) / 1e9;
            rate = replies / secs;
            summary = String.format(Locale.ROOT, "%d connections x %d requests of %d B: %d echoed by the server, %d replies "
                    + "in %.3f s: %,.0f requests/s; latency p50 %d us, p99 %d us", connections, k.count(), k.payload(),
                    echoed.get(), replies, secs, rate, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99));
        }
        return new WorkloadResult(k.label(), summary, rate, unit(k));
    }

    private static String unit(TcpWorkload k) { return k.kind().equals("tcp-bulk") ? "bit/s" : "requests/s"; }

    /**
     * One connection on the server: drains it ({@code echo} 0) or echoes requests of {@code echo} bytes, until
     * EOF, counting the bytes it received and the requests it echoed.
     */
    private static void serve(TcpSocket c, int echo, AtomicLong received, AtomicLong echoed) throws SocketError {
        byte[] buf = new byte[echo == 0 ? 64 * 1024 : echo];
        while (true) {
            if (echo == 0) {
                int n = c.read(buf);
                if (n < 0) break;
                received.addAndGet(n);
            } else {
                if (!Messages.readFully(c, buf)) break;
                received.addAndGet(echo);
                c.write(buf);
                echoed.incrementAndGet();
            }
        }
        c.close();
    }

    /** Waits (through the scheduler, so a deterministic run stays in charge) until the server's connections all ended. */
    private static void awaitServer(Stack client, AtomicInteger ended, int connections) {
        while (ended.get() < connections) client.config().scheduler().parkNanos(ended, 1_000_000);
    }
}
