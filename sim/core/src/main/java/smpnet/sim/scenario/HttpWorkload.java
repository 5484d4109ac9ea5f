package smpnet.sim.scenario;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import smpnet.sim.apps.HttpServer;
import smpnet.sim.scenario.ScenarioResult.WorkloadResult;
import smpnet.sim.scenario.ScenarioSpec.Http;
import smpnet.stack.Stack;
import smpnet.stack.socket.TcpSocket;

/**
 * The {@code http} workload: the example {@link HttpServer} on the server host, serving one page at
 * {@link #PATH}, and an HTTP/1.1 client on the client host that opens {@code connections} persistent
 * connections and, round after round, sends a {@code GET} on each and then reads each response: status
 * {@code 200}, a {@code Content-Length} of the page's size, and the page's exact bytes, or the workload fails
 * naming what differed. Reports requests per second and each response's latency (request sent to last byte).
 *
 * <p>Thread use: the client is the workload's thread; the server runs its own threads (an acceptor and one
 * per connection), closed when the client is done.
 */
final class HttpWorkload {
    static final String PATH = "/page";

    private HttpWorkload() {}

    /** The page served: {@code n} bytes of a pattern, so a misplaced byte shows. */
    static byte[] page(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 13 + (i >>> 9));
        return b;
    }

    static WorkloadResult run(Http k, Map<String, Stack> stacks) throws Exception {
        Stack client = stacks.get(k.client());
        byte[] page = page(k.pageBytes());
        byte[] request = ("GET " + PATH + " HTTP/1.1\r\nHost: " + k.serverAddress() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Histogram latency = new Histogram(3);
        long start;
        double secs;
        try (HttpServer server = HttpServer.start(stacks.get(k.server()), k.serverAddress(), k.port(), Map.of(PATH, page))) {
            start = client.config().scheduler().nanoTime();
            List<Response> conns = new ArrayList<>();
            try {
                for (int i = 0; i < k.connections(); i++) {
                    TcpSocket s = client.openTcp();
                    conns.add(new Response(s));
                    s.connect(new InetSocketAddress(k.serverAddress(), k.port()));
                }
                for (int round = 0; round < k.requests(); round++) {
                    long sent = client.config().scheduler().nanoTime();
                    for (Response c : conns) c.s.write(request);
                    for (Response c : conns) {
                        c.readAndCheck(page);
                        latency.recordValue((client.config().scheduler().nanoTime() - sent) / 1000);
                    }
                }
            } finally {
                for (Response c : conns) c.s.close();
            }
            secs = (client.config().scheduler().nanoTime() - start) / 1e9;
            if (server.requests() != (long) k.connections() * k.requests()) {
                throw new IllegalStateException("the server answered " + server.requests() + " requests, the client sent "
                        + (long) k.connections() * k.requests());
            }
        }
        long total = (long) k.connections() * k.requests();
        double rate = total / secs;
        return new WorkloadResult(k.label(), String.format(Locale.ROOT, "%d connections x %d GETs of a %d-byte page in "
                + "%.3f s: %,.0f requests/s, %,.0f bit/s; latency p50 %d us, p99 %d us", k.connections(), k.requests(),
                page.length, secs, rate, rate * page.length * 8, latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99)), rate, "requests/s");
    }

    /** One client connection and the bytes read ahead of the response being parsed. */
    private static final class Response {
        final TcpSocket s;
        private final byte[] buf = new byte[64 * 1024];
        private int from;
        private int have;

        Response(TcpSocket s) { this.s = s; }

        /** Reads one response: its head, then a body that must be {@code page}. */
        void readAndCheck(byte[] page) throws IOException {
            String head = head();
            if (!head.startsWith("HTTP/1.1 200 OK\r\n")) throw new IllegalStateException("not a 200 response: " + head);
            long length = -1;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Long.parseLong(line.substring(15).strip());
            }
            if (length != page.length) throw new IllegalStateException("Content-Length " + length + ", not " + page.length);
            byte[] body = new byte[page.length];
            for (int at = 0; at < body.length; ) {
                if (from == have && !fill()) throw new IllegalStateException("end of stream after " + at + " bytes of the page");
                int n = Math.min(have - from, body.length - at);
                System.arraycopy(buf, from, body, at, n);
                from += n;
                at += n;
            }
            int bad = Arrays.mismatch(body, page);
            if (bad >= 0) throw new IllegalStateException("the page differs at byte " + bad);
        }

        /** The response head up to its blank line (which is consumed). */
        private String head() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (!sb.toString().endsWith("\r\n\r\n")) {
                if (from == have && !fill()) throw new IllegalStateException("end of stream in a response head: " + sb);
                sb.append((char) (buf[from++] & 0xff));
                if (sb.length() > HttpServer.MAX_HEAD) throw new IllegalStateException("a response head over " + HttpServer.MAX_HEAD + " bytes");
            }
            return sb.toString();
        }

        /** Reads more into the emptied buffer; false at end of stream. */
        private boolean fill() throws IOException {
            int n = s.read(buf, 0, buf.length);
            if (n < 0) return false;
            from = 0;
            have = n;
            return true;
        }
    }
}
