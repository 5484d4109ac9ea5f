package smpnet.sim.apps;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import smpnet.stack.Stack;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;

/**
 * A small HTTP/1.1 server on a smpnet host's TCP sockets, serving fixed pages by path: {@code GET} and
 * {@code HEAD}, persistent connections (HTTP/1.1's default; {@code Connection: close} or HTTP/1.0 without
 * keep-alive end them after the response), {@code 404} for an unknown path, {@code 405} for another method,
 * and {@code 400 Bad Request} (then close) for a request that is not HTTP: a bad request line, a header
 * without a colon, a request head over {@value #MAX_HEAD} bytes, or a request with a body. One thread
 * accepts; one thread per connection.
 *
 * <p>Locking key: {@code open} is a concurrent set (connection threads add and remove themselves, close
 * reads it); counters are atomic; {@code closed} is volatile.
 */
public final class HttpServer implements AutoCloseable {
    /** The longest request head (request line and headers) accepted. */
    public static final int MAX_HEAD = 8192;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration IDLE = Duration.ofSeconds(30);

    private final TcpSocket listener;
    private final Map<String, byte[]> pages;
    private final Thread acceptor;
    private final Set<TcpSocket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong badRequests = new AtomicLong();
    private volatile boolean closed;

    private HttpServer(TcpSocket listener, Map<String, byte[]> pages) {
        this.listener = listener;
        this.pages = Map.copyOf(pages);
        this.acceptor = new Thread(this::acceptLoop, "http-accept");
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code address}:{@code port} of {@code host} (started) and serves {@code pages} by path ("/big"). */
    public static HttpServer start(Stack host, String address, int port, Map<String, byte[]> pages) throws SocketError {
        TcpSocket l = host.openTcp().bind(new InetSocketAddress(address, port)).listen(16);
        l.setReceiveTimeout(POLL);
        HttpServer s = new HttpServer(l, pages);
        s.acceptor.start();
        return s;
    }

    /** Connections accepted. */
    public long connections() { return connections.get(); }

    /** Requests answered (400s included). */
    public long requests() { return requests.get(); }

    /** Requests answered 400 Bad Request. */
    public long badRequests() { return badRequests.get(); }

    /** The acceptor: the other end is each client's connect; it hands each connection to a thread of its own. */
    private void acceptLoop() {
        while (!closed) {
            TcpSocket c;
            try {
                c = listener.accept();
            } catch (SocketError e) {
                if (e.errno() == Errno.EAGAIN) continue; // the poll interval passed: look at closed again
                return;
            }
            connections.incrementAndGet();
            open.add(c);
            Thread t = new Thread(() -> serve(c), "http-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** One connection: requests until the client closes, asks to close, idles out, or sends a bad request. */
    private void serve(TcpSocket c) {
        try (c) {
            c.setReceiveTimeout(IDLE);
            In in = new In(c);
            while (!closed) {
                byte[] head = in.head();
                if (head == null) return; // end of stream between requests
                if (!answer(c, head)) return;
            }
        } catch (SocketError e) {
            // the client went away (reset, timeout): nothing to answer
        } finally {
            open.remove(c);
        }
    }

    /** Parses one request head and writes the response; false if the connection is to close. */
    private boolean answer(TcpSocket c, byte[] head) throws SocketError {
        requests.incrementAndGet();
        if (head.length == 0) return badRequest(c); // over MAX_HEAD
        List<String> lines = List.of(new String(head, StandardCharsets.ISO_8859_1).split("\r\n"));
        String[] req = lines.get(0).split(" ", -1);
        if (req.length != 3 || !req[2].matches("HTTP/1\\.[01]") || !req[1].startsWith("/") || !req[0].matches("[A-Z]+")) {
            return badRequest(c);
        }
        boolean keepAlive = req[2].equals("HTTP/1.1");
        for (String h : lines.subList(1, lines.size())) {
            int colon = h.indexOf(':');
            if (colon <= 0) return badRequest(c);
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            if (name.equals("connection")) keepAlive = value.equals("keep-alive") || (keepAlive && !value.equals("close"));
            if ((name.equals("content-length") && !value.equals("0")) || name.equals("transfer-encoding")) {
                return badRequest(c); // a body this server would have to read: not for a page server
            }
        }
        byte[] body = pages.get(req[1]);
        String status = body == null ? "404 Not Found" : "200 OK";
        if (!req[0].equals("GET") && !req[0].equals("HEAD")) status = "405 Method Not Allowed";
        if (!status.startsWith("200")) body = (status + "\n").getBytes(StandardCharsets.US_ASCII);
        respond(c, status, body, req[0].equals("HEAD"), keepAlive);
        return keepAlive;
    }

    private boolean badRequest(TcpSocket c) throws SocketError {
        badRequests.incrementAndGet();
        respond(c, "400 Bad Request", "400 Bad Request\n".getBytes(StandardCharsets.US_ASCII), false, false);
        return false;
    }

    private static void respond(TcpSocket c, String status, byte[] body, boolean headOnly, boolean keepAlive)
            throws SocketError {
        String h = "HTTP/1.1 " + status + "\r\nContent-Length: " + body.length + "\r\nContent-Type: "
                + (status.startsWith("200") ? "application/octet-stream" : "text/plain") + "\r\nConnection: "
                + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n";
        writeAll(c, h.getBytes(StandardCharsets.US_ASCII));
        if (!headOnly) writeAll(c, body);
        if (!keepAlive) c.shutdown(false, true);
    }

    private static void writeAll(TcpSocket c, byte[] b) throws SocketError {
        int off = 0;
        while (off < b.length) off += c.write(b, off, b.length - off);
    }

    /** The bytes of a connection, read ahead: request heads come out one at a time. */
    private static final class In {
        private final TcpSocket c;
        private final byte[] buf = new byte[MAX_HEAD];
        private int have;

        In(TcpSocket c) { this.c = c; }

        /**
         * The next request head without its blank line; null at end of stream before any byte; an empty
         * array when the head is longer than {@link #MAX_HEAD}; a truncated head at end of stream as is.
         */
        byte[] head() throws SocketError {
            while (true) {
                int end = find();
                if (end >= 0) {
                    byte[] h = java.util.Arrays.copyOf(buf, end);
                    System.arraycopy(buf, end + 4, buf, 0, have - end - 4);
                    have -= end + 4;
                    return h;
                }
                if (have == buf.length) return new byte[0];
                int n = c.read(buf, have, buf.length - have);
                if (n < 0) return have == 0 ? null : java.util.Arrays.copyOf(buf, consumeAll());
                have += n;
            }
        }

        private int consumeAll() {
            int n = have;
            have = 0;
            return n;
        }

        private int find() {
            for (int i = 0; i + 3 < have; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') return i;
            }
            return -1;
        }
    }

    /** Stops accepting and closes every connection (their threads end on the closed socket). */
    @Override
    public void close() {
        closed = true;
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.close();
        for (TcpSocket c : List.copyOf(open)) c.close();
    }
}
