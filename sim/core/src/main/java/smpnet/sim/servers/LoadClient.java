package smpnet.sim.servers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;

/**
 * One client event loop: it opens its share of the connections (non-blocking connects, at most
 * {@link #CONNECTING} at a time), says so on {@code connected}, waits for {@code go}, then sends
 * {@code requests} requests on each connection, one at a time per connection (a request, its whole echo,
 * the next request) and at most {@code window} at a time in all: the connections take turns, oldest
 * waiting first; or fewer, once the server says it has {@code enough}. With a rate, a request goes no sooner
 * than its turn in a schedule of one every {@code 1 / rate} seconds (a loop that fell behind catches up by
 * {@link #MAX_BURST} at most, and a pause restarts the schedule). It records each request's latency (written to echo read); says so on {@code done}; waits
 * for {@code close}; closes them all. It counts the connections whose {@link LoopWindow#SERVED_FIRST}-th reply it read
 * on {@code served} (the event loop's warm-up waits for all of them), and it pauses when the server asks
 * ({@link ClientPause}): no new request, and once the replies in flight are read, none in flight until released.
 *
 * <p>Locking key: the loop's state is its own thread's; the case reads {@link #latency}, {@link #replies}
 * and {@link #failure} after joining it. The latches' other ends are the case's thread ({@link ServerCase}).
 */
final class LoadClient implements Runnable {
    /** Connects in flight per loop: well under the listener's backlog, so no SYN waits for a retransmission. */
    static final int CONNECTING = 128;
    /** A loop that got no reply on any of its connections for this long calls the case failed. */
    static final Duration NO_REPLY = Duration.ofSeconds(120);
    /** How far behind its schedule a paced loop may send at once: requests owed beyond this are dropped from it. */
    static final long MAX_BURST = 1_000_000L;

    /** One connection and where its request stands. */
    private static final class Conn {
        final TcpSocket socket;
        final int number; // the connection's number over all loops
        final byte[] reply;
        boolean connected;
        int sent;    // requests sent
        int have;    // bytes of the current reply read
        long sentAt; // when the current request was written

        Conn(TcpSocket socket, int number, int payload) {
            this.socket = socket;
            this.number = number;
            this.reply = new byte[payload];
        }
    }

    private final List<Stack> hosts;
    private final List<InetSocketAddress> servers;
    private final int first, stride, connections;
    /** The loop's connections that carry requests: the first ones of {@link #conns}; the others stay idle. */
    private final int active;
    private final int requests;
    private final int payload;
    private final int window;
    /** Nanoseconds between two requests' turns, 0 when unpaced; the next turn (scheduler clock). */
    private final long gap;
    private long nextTurn;
    private final CountDownLatch connected, go, done, close;
    /** True once the server has what it measures: each connection then ends after its reply in flight. */
    private final java.util.function.BooleanSupplier enough;
    /** Connections whose {@link LoopWindow#SERVED_FIRST}-th reply was read, over every loop of the case. */
    private final java.util.concurrent.atomic.AtomicInteger served;
    private final ClientPause pause;
    private final Scheduler clock = Scheduler.current();
    final Histogram latency = new Histogram(3);
    long replies;
    String failure;
    private final List<Conn> conns = new ArrayList<>();
    private final EventQueue q = new EventQueue();

    /**
     * The loop's connections are numbers {@code first}, {@code first + stride}, ... below {@code total}; number
     * {@code g} goes from client host {@code g / CONNECTIONS_PER_ADDRESS} to that host's server address. Those
     * numbered below {@code activeTotal} carry {@code requests} requests each, the others none (open and idle).
     * At most {@code window} of its requests are in flight at once, and {@code rate} go a second (0: as many as
     * the window allows).
     */
    LoadClient(List<Stack> hosts, List<InetSocketAddress> servers, int first, int stride, int total, int activeTotal,
               int requests, int payload, int window, int rate, CountDownLatch connected, CountDownLatch go, CountDownLatch done,
               CountDownLatch close, java.util.function.BooleanSupplier enough, java.util.concurrent.atomic.AtomicInteger served,
               ClientPause pause) {
        if (window < 1) throw new IllegalArgumentException("window " + window);
        if (rate < 0) throw new IllegalArgumentException("rate " + rate);
        this.gap = rate == 0 ? 0 : Math.max(1, 1_000_000_000L / rate);
        this.hosts = hosts;
        this.servers = servers;
        this.requests = requests;
        this.payload = payload;
        this.window = window;
        this.connected = connected;
        this.go = go;
        this.done = done;
        this.close = close;
        this.enough = enough;
        this.served = served;
        this.pause = pause;
        int n = 0, a = 0;
        for (int i = first; i < total; i += stride) {
            n++;
            if (i < activeTotal) a++;
        }
        this.connections = n;
        this.active = a;
        this.first = first;
        this.stride = stride;
    }

    @Override
    public void run() {
        try {
            connectAll();
            connected.countDown();
            if (!go.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("no start within 10 minutes");
            exchange();
        } catch (Exception | Error e) {
            failure = e.toString();
            connected.countDown();
        } finally {
            pause.leave();
            done.countDown();
            try {
                close.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Conn c : conns) c.socket.close();
        }
    }

    private void connectAll() throws SocketError {
        int opened = 0, up = 0;
        while (up < connections) {
            while (opened < connections && opened - up < CONNECTING) {
                int global = first + opened * stride;
                int h = global / ServerPlan.CONNECTIONS_PER_ADDRESS;
                TcpSocket s = hosts.get(h).openTcp();
                s.configureBlocking(false);
                Conn c = new Conn(s, global, payload);
                conns.add(c);
                try {
                    s.connect(servers.get(h));
                } catch (SocketError e) {
                    if (e.errno() != Errno.EINPROGRESS) throw e;
                }
                q.register(s, EventQueue.WRITE, false, c);
                opened++;
            }
            for (EventQueue.Event e : q.poll(256, Duration.ofSeconds(30))) {
                Conn c = (Conn) e.attachment();
                if (c.connected) continue;
                int err = c.socket.getOption(SockOpt.SO_ERROR);
                if (err != 0 || (e.ready() & EventQueue.ERROR) != 0) {
                    throw new IllegalStateException("connect " + c.socket + " failed: error " + err);
                }
                c.connected = true;
                up++;
                q.register(c.socket, EventQueue.READ, false, c);
            }
        }
    }

    private void exchange() throws SocketError, InterruptedException {
        // The connections waiting for their turn to send, oldest first; the others have a request in flight.
        ArrayDeque<Conn> waiting = new ArrayDeque<>(conns.subList(0, active));
        int inFlight = 0, finished = 0;
        nextTurn = clock.nanoTime();
        long lastReply = nextTurn;
        inFlight = fill(waiting, inFlight);
        while (finished < active) {
            if (inFlight == 0 && pause.asked()) {
                // the server collects: nothing of this loop's is in flight until it is done
                pause.stop();
                nextTurn = clock.nanoTime(); // the schedule restarts: no requests owed for the pause
                lastReply = nextTurn;
                inFlight = fill(waiting, inFlight);
                continue;
            }
            // paced and held back by the schedule alone: wait for a reply or the next turn, whichever comes first
            boolean held = gap > 0 && inFlight < window && !waiting.isEmpty() && !pause.asked();
            List<EventQueue.Event> ready = q.poll(256, held ? Duration.ofNanos(Math.max(1_000, nextTurn - clock.nanoTime())) : NO_REPLY);
            if (ready.isEmpty() && clock.nanoTime() - lastReply >= NO_REPLY.toNanos()) {
                throw new IllegalStateException("no reply for " + NO_REPLY.toSeconds() + " s (" + finished + " of " + active
                        + " connections done)");
            }
            for (EventQueue.Event e : ready) {
                Conn c = (Conn) e.attachment();
                if (c.sent > requests || !readReply(c)) continue;
                lastReply = clock.nanoTime();
                latency.recordValue(Math.max(1, lastReply - c.sentAt));
                replies++;
                inFlight--;
                if (c.sent == LoopWindow.SERVED_FIRST) served.incrementAndGet();
                if (c.sent < requests && !enough.getAsBoolean()) {
                    waiting.add(c);
                } else {
                    c.sent = requests + 1; // past the last (or the server has enough): nothing more expected on it
                    q.deregister(c.socket);
                    finished++;
                }
            }
            if (enough.getAsBoolean()) {
                // the server has measured what it needed: the connections waiting for their turn send no more
                for (Conn c; (c = waiting.poll()) != null; finished++) {
                    c.sent = requests + 1;
                    q.deregister(c.socket);
                }
            }
            if (!pause.asked()) inFlight = fill(waiting, inFlight);
        }
    }

    /**
     * Sends the next request on waiting connections while fewer than the window are in flight and, paced, while
     * their turns have come; the requests in flight then.
     */
    private int fill(ArrayDeque<Conn> waiting, int inFlight) throws SocketError {
        while (inFlight < window && !waiting.isEmpty()) {
            if (gap > 0) {
                long now = clock.nanoTime();
                if (now < nextTurn) break;
                nextTurn = Math.max(nextTurn, now - MAX_BURST) + gap;
            }
            send(waiting.poll());
            inFlight++;
        }
        return inFlight;
    }

    /**
     * Writes request number {@code c.sent}: its number in the first 4 bytes, the connection's number in the next
     * 4 and the two's exclusive or in the last 4 (as far as the payload has room), which the echo must carry
     * back, so that a server that mixed up two connections' bytes, or a request's pieces, is caught.
     */
    private void send(Conn c) throws SocketError {
        byte[] request = new byte[payload];
        stamp(request, c.sent, c.number);
        c.sentAt = clock.nanoTime();
        if (c.socket.write(request) != payload) throw new IllegalStateException("a request did not fit the send buffer");
        c.sent++;
    }

    /** Writes request {@code n} of connection {@code conn}'s marks into {@code b} (see {@link #send}). */
    private static void stamp(byte[] b, int n, int conn) {
        ByteBuffer w = ByteBuffer.wrap(b);
        w.putInt(0, n);
        if (b.length >= 8) w.putInt(4, conn);
        if (b.length >= 12) w.putInt(b.length - 4, n ^ conn);
    }

    /** Reads what there is of {@code c}'s reply; true once it is whole (and checked). */
    private boolean readReply(Conn c) throws SocketError {
        while (c.have < payload) {
            int r;
            try {
                r = c.socket.read(c.reply, c.have, payload - c.have);
            } catch (SocketError e) {
                if (e.errno() == Errno.EAGAIN) return false;
                throw e;
            }
            if (r < 0) throw new IllegalStateException("the server closed " + c.socket + " after " + (c.sent - 1) + " replies");
            c.have += r;
        }
        c.have = 0;
        ByteBuffer r = ByteBuffer.wrap(c.reply);
        int echoed = r.getInt(0);
        if (echoed != c.sent - 1) throw new IllegalStateException("reply " + echoed + " to request " + (c.sent - 1));
        if (payload >= 8 && r.getInt(4) != c.number || payload >= 12 && r.getInt(payload - 4) != (echoed ^ c.number)) {
            throw new IllegalStateException("reply to request " + (c.sent - 1) + " of connection " + c.number
                    + " does not carry its marks");
        }
        return true;
    }
}
