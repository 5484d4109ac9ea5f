package smpnet.sim.servers;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import smpnet.locking.Processors;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.sim.apps.Messages;
import smpnet.sim.servers.LoopWindow.Mark;

/**
 * The echo server of one case in one {@link ServerModel}: it accepts {@code connections} connections on a
 * listening socket and echoes every request of {@code payload} bytes until each connection's end of stream.
 * {@link #start} returns at once; the server's threads end when every connection has ended (or, after a
 * failure, when the clients closed theirs).
 *
 * <p>Locking key: the counters are atomics, written by the server's threads and read by the case's thread;
 * {@link #failure} is volatile, written once by the thread that failed. The event loop's measured cost is
 * written by the loop and read after the loop thread has been joined.
 */
final class EchoServer {
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The JVM's collectors, looked up once: a lookup at every mark is code the JIT compiles late in a window. */
    static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();

    private final ServerModel model;
    private final int connections;
    private final int payload;
    private final int poolThreads;
    /** The event loop's buffer for a request read and echoed within one event (its thread's alone). */
    private final byte[] scratch;
    /** Connections accepted (the case's first phase waits for all of them). */
    final AtomicInteger accepted = new AtomicInteger();
    /** Requests echoed. */
    final AtomicLong requests = new AtomicLong();
    /** Connections the server has seen end and closed. */
    final CountDownLatch ended;
    /** Why the server stopped short, or null. */
    volatile String failure;
    /** Set by the case while its measured phase runs: the event loop counts its warm-up and window from its start. */
    volatile boolean measuring;
    /**
     * The event loop's cost over its window (read after {@link #join}); null until its window ended,
     * and null for the other models.
     */
    ServerResult.LoopCost loopCost;
    /**
     * Set by the event loop when its window has ended: the clients send no more requests then (each
     * connection ends after its reply in flight), so that a case does not run the requests a longest
     * warm-up would have needed when the warm-up settled sooner.
     */
    volatile boolean windowDone;
    /**
     * Connections whose {@link LoopWindow#SERVED_FIRST}-th reply the clients have read (written by the clients, read
     * by the event loop at its warm-up's part boundaries).
     */
    final AtomicInteger served = new AtomicInteger();
    /** The clients' pause around the event loop's full collection before its window. */
    final ClientPause pause;
    /**
     * The pause's wall-clock time, the process's CPU time and its context switches in it (from the clients'
     * stop to their release: the collection the event loop ran), which the case leaves out of the phase's
     * figures; written by the loop before {@link #windowDone}, read after {@link #join}.
     */
    volatile long pauseNanos, pauseCpuNanos, pauseSwitches;
    /**
     * Requests of the measured phase after the event loop's collection before its window at most, requests in
     * it, and its parts (see {@link ServerPlan}).
     */
    final int loopWarmup, loopRequests, loopParts;
    /** Connections that carry requests (the warm-up waits for each to be served). */
    final int active;
    /** The scheduling seam counting the parks and wake-ups of the server's threads: the loop's own, in its model. */
    final ParkCounter seam;
    private final List<Thread> threads = new ArrayList<>();

    EchoServer(ServerModel model, int connections, ServerPlan plan, ParkCounter seam, ClientPause pause) {
        this.model = model;
        this.connections = connections;
        this.payload = plan.payload();
        this.poolThreads = plan.poolThreads();
        this.scratch = new byte[payload];
        this.loopWarmup = plan.loopWarmup();
        this.loopRequests = plan.loopRequests();
        this.loopParts = plan.loopParts();
        this.active = plan.activeOf(connections);
        this.pause = pause;
        this.seam = seam;
        this.ended = new CountDownLatch(connections);
    }

    /** Starts serving on {@code listener} (bound and listening). */
    void start(TcpSocket listener) {
        Runnable main = switch (model) {
            case THREAD_PER_CONNECTION -> () -> acceptLoop(listener, Thread.ofPlatform().daemon().name("server-conn-", 0));
            case VIRTUAL_THREADS -> () -> acceptLoop(listener, Thread.ofVirtual().name("server-conn-", 0));
            case FIXED_POOL -> () -> pool(listener);
            case EVENT_LOOP -> () -> eventLoop(listener);
        };
        threads.add(Thread.ofPlatform().daemon().name("server-" + model.label()).start(() -> {
            ParkCounter.markServerThread();
            try {
                main.run();
            } catch (RuntimeException | Error e) {
                fail(e.toString());
            }
        }));
    }

    /** Waits for the server's main thread (accept loop, pool feeder or event loop) to end. */
    void join(Duration timeout) throws InterruptedException {
        for (Thread t : threads) t.join(timeout);
    }

    private void fail(String why) {
        if (failure == null) failure = why;
    }

    // ---- a thread per connection (platform or virtual) ----------------------------------------------------

    private void acceptLoop(TcpSocket listener, Thread.Builder perConnection) {
        for (int i = 0; i < connections; i++) {
            TcpSocket c = accept(listener);
            if (c == null) return;
            accepted.incrementAndGet();
            try {
                // The thread's other end: the client's request on c (the client's event loop writes it).
                perConnection.start(() -> serveBlocking(c));
            } catch (OutOfMemoryError e) {
                // The machine refused a thread: the server stops here (the case reports the count it reached).
                fail("the JVM could not start thread " + (i + 1) + ": " + e.getMessage());
                c.close();
                listener.close();
                return;
            }
        }
        listener.close();
    }

    private TcpSocket accept(TcpSocket listener) {
        try {
            return listener.accept();
        } catch (SocketError e) {
            fail("accept: " + e.getMessage());
            return null;
        }
    }

    /** Echoes requests on {@code c} with blocking calls until its end of stream. */
    private void serveBlocking(TcpSocket c) {
        ParkCounter.markServerThread();
        byte[] buf = new byte[payload];
        try {
            while (Messages.readFully(c, buf)) {
                c.write(buf);
                requests.incrementAndGet();
            }
        } catch (SocketError | RuntimeException e) {
            fail("connection " + c + ": " + e.getMessage());
        } finally {
            c.close();
            ended.countDown();
        }
    }

    // ---- a fixed pool --------------------------------------------------------------------------------------

    /**
     * A poller thread (this one) waits on an event queue for readable connections and hands each to the pool;
     * the pool's thread reads the request and writes the reply with blocking calls, then re-arms the
     * connection. A connection is out of the queue while a worker holds it, so two workers never share one.
     */
    private void pool(TcpSocket listener) {
        EventQueue q = new EventQueue();
        // The queue's other ends: the workers below take what the poller puts, and re-register what they served.
        BlockingQueue<java.util.Optional<TcpSocket>> work = new LinkedBlockingQueue<>();
        AtomicInteger closed = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < poolThreads; w++) {
            workers.add(Thread.ofPlatform().daemon().name("server-pool-" + w).start(() -> {
                ParkCounter.markServerThread();
                try {
                    for (java.util.Optional<TcpSocket> c; (c = work.take()).isPresent(); ) {
                        if (serveOne(c.get())) {
                            q.register(c.get(), EventQueue.READ, false, c.get());
                        } else {
                            closed.incrementAndGet(); // the poller sees it within its poll's timeout
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        listener.configureBlocking(false);
        q.register(listener, EventQueue.READ, false, LISTENER);
        while (closed.get() < connections && failure == null) {
            for (EventQueue.Event e : q.poll(256, POLL_TIMEOUT)) {
                if (e.attachment() == LISTENER) {
                    acceptAll(listener, q, c -> {
                        c.configureBlocking(true);
                        return c;
                    });
                } else {
                    q.deregister(e.source());
                    work.add(java.util.Optional.of((TcpSocket) e.attachment()));
                }
            }
        }
        listener.close();
        for (int w = 0; w < poolThreads; w++) work.add(java.util.Optional.empty());
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Serves one request on {@code c} (blocking); false once the connection ended (closed). */
    private boolean serveOne(TcpSocket c) {
        byte[] buf = new byte[payload];
        try {
            if (Messages.readFully(c, buf)) {
                c.write(buf);
                requests.incrementAndGet();
                return true;
            }
        } catch (SocketError | RuntimeException e) {
            fail("connection " + c + ": " + e.getMessage());
        }
        c.close();
        ended.countDown();
        return false;
    }

    // ---- one event loop ------------------------------------------------------------------------------------

    /**
     * A connection of the event loop whose request or reply spans events: the part of the request read so far,
     * or the reply the send buffer has not taken whole, in a buffer of its own. A connection has none while
     * its requests come whole and its replies fit (the usual case): its socket is its registration's
     * attachment, its bytes pass through the loop's one {@link #scratch} buffer, and an event touches no object
     * of its connection but the socket's own; only a connection in {@link #pending} has one.
     */
    private static final class Conn {
        final byte[] buf;
        int have;      // bytes of the request read so far
        int written = -1; // bytes of the reply written, -1 when not writing
        boolean waitingToWrite; // registered for WRITE (a full send buffer) instead of READ

        Conn(byte[] bytes, int payload) {
            this.buf = java.util.Arrays.copyOf(bytes, payload);
        }
    }

    /** The event loop's connections whose request or reply spans events (its thread's alone); empty as a rule. */
    private final java.util.IdentityHashMap<TcpSocket, Conn> pending = new java.util.IdentityHashMap<>();

    private static final Object LISTENER = new Object();

    /** How long a poll waits before the loop checks whether the case failed. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    /**
     * The most the JIT compilers may work in a window, ms, for its measure to stand: beyond it the loop's
     * code may have been replaced mid-window (a part measured before and a part after are then of different
     * code), so the window is measured again, {@link #WINDOW_REPEATS} times at most; a window still beyond it
     * leaves the verdict undecided.
     */
    static final long WINDOW_COMPILE_MILLIS = 10;

    /** The most windows measured again after the JIT compiled in them (see {@link #WINDOW_COMPILE_MILLIS}). */
    static final int WINDOW_REPEATS = 2;

    /**
     * Whether a window in which the JIT compilers worked {@code compileMillis} ms, after {@code repeats} windows
     * measured again already, is measured again: beyond {@link #WINDOW_COMPILE_MILLIS}, {@link #WINDOW_REPEATS}
     * times at most.
     */
    static boolean measureAgain(long compileMillis, int repeats) {
        return compileMillis > WINDOW_COMPILE_MILLIS && repeats < WINDOW_REPEATS;
    }


    /** Where the event loop's case runs its threads (set by the case before {@link #start}); null: not bound. */
    volatile CorePlacement placement;
    /** The placement the loop ended up with, in words (written by the loop as it starts). */
    volatile String placed = "";

    /**
     * The server host's TCP segments sent so far, and of them the ACK-only ones (set by the case before
     * {@link #start}; read at the loop's part boundaries).
     */
    volatile java.util.function.LongSupplier segmentsSent = () -> 0, acksSent = () -> 0;

    /** One poll in this many has its CPU read, and counts for them all (see {@link #eventLoop}). */
    static final int POLL_SAMPLE = 8;

    /** How long a poll waits while the clients drain for the pause, so that the loop sees soon that they stopped. */
    private static final Duration DRAIN_POLL_TIMEOUT = Duration.ofMillis(1);

    /**
     * The loop. Its cost is measured over a window of the measured phase, after a warm-up in three steps
     * ({@link LoopWindow#step}). First every connection that carries requests serves
     * {@link LoopWindow#SERVED_FIRST} requests (the clients count the replies they read, {@link #served}; the
     * settle rule does not apply before, nor the warm-up's longest): a connection's first request meets state
     * no request touched before, a cost of opening the connection that a window must not measure at 100,000
     * connections (a window there would start with most connections never served) and does not at 1,000.
     * Then a full collection ({@link #collect}), with the clients paused ({@link ClientPause}): the loop asks
     * them to send no more, serves the requests in flight, and collects once none is left, then releases
     * them. Not under load: a stop-the-world collection with 1,000 requests in flight would add its pause to
     * their latencies (and a forced pause no other model has to the phase's figures, which leave it out), and
     * the loop's measure is not affected either way (its thread's CPU is counted from a mark taken after the
     * collection). The collection puts the connections' state where a server that has run a while keeps it
     * (100,000 connections just opened are young objects, or old ones in the order the first collections
     * met them, that a collection in the window would move: in a window at 100,000 connections where most
     * connections had not been served before, the parts cost about 9,000 ns per event until a collection of
     * 300 ms, and about 3,700 after it, as at 1,000 connections), so that the window measures the loop in
     * that state, not a collection's work left for it. Third, the loop measures parts of
     * {@code loopRequests / loopParts} requests from the collection on, and the warm-up ends at the first part
     * boundary where those parts have {@link LoopWindow#settled} (the cost stopped falling and the JIT
     * compilers are quiet) and the compilers are {@link LoopWindow#compilersIdle idle}, or {@code loopWarmup}
     * requests after the collection at most (then it did not settle, which the verdict says): only parts after
     * the collection count, as the collection changes where the objects are. The window runs from there to the
     * poll after {@code loopRequests} more requests (or to the phase's end, if that comes first), so that each
     * case is measured over the same work, with compiled code and with requests waiting, not over a start
     * where the loop's code still runs in the interpreter or an end where the connections run out of
     * requests; then the clients stop sending ({@link #windowDone}). A window in which the JIT compilers
     * worked more than {@link #WINDOW_COMPILE_MILLIS} is {@link #measureAgain measured again} from its end,
     * its requests counted in the warm-up. The window is cut in {@code loopParts} parts of as many requests,
     * each measured too: a burst of another process's work on the machine's cores shows in one part, a cost
     * of the loop's own in every part. A poll that found nothing ready and slept is told apart by the seam's
     * count of the server's parks (this loop is the model's only server thread). The poll's own CPU (the
     * queue's part, and the sleeping polls') is read on one poll in {@link #POLL_SAMPLE} and counted for all of
     * them: each read of the thread's CPU clock is a system call (about 0.55 µs here), and two at every poll
     * were part of the cost measured, a fixed cost per poll that weighs more per event where the loop finds
     * fewer events per poll, as it does at 100,000 connections. The loop's whole CPU is read at the part
     * boundaries only, so sampling changes no figure but the queue's part and the sleeping polls' CPU.
     */
    private void eventLoop(TcpSocket listener) {
        try {
            runEventLoop(listener);
        } finally {
            pause.release(); // whatever happened, no client waits for the loop
        }
    }

    private void runEventLoop(TcpSocket listener) {
        String unbound = placement == null ? "no placement" : placement.bindLoop();
        placed = unbound == null ? placement.describe() : placement != null && !placement.bound() ? placement.describe()
                : "threads not bound to CPUs: " + unbound;
        runLoop(listener);
    }

    private void runLoop(TcpSocket listener) {
        EventQueue q = new EventQueue();
        listener.configureBlocking(false);
        q.register(listener, EventQueue.READ, false, LISTENER);
        int closed = 0;
        LoopMeasure.Counts n = new LoopMeasure.Counts(ParkCounter.measureServerThread());
        LoopMeasure measure = new LoopMeasure(this);
        // The events' other ends: the stack's threads announce readiness of these sockets (TcpSocket's
        // readiness hooks, called as segments arrive or the send buffer drains).
        while (closed < connections && failure == null) {
            boolean sampled = n.polls % POLL_SAMPLE == 0;
            // the measure's bookkeeping runs in a method of its own, at its boundaries only: inlined into this
            // loop, its branches first taken at the warm-up's end (the collection, the window's start) would
            // deoptimize the loop's compiled code there and have it compiled again in the window
            boolean boundary = loopCost == null && measure.due(requests.get());
            long beforePoll = sampled || boundary ? THREADS.getCurrentThreadCpuTime() : 0;
            if (boundary) beforePoll = measure.boundary(beforePoll, n);
            n.on(Processors.current());
            long parks = seam.parks();
            List<EventQueue.Event> ready = q.poll(256, pause.asked() ? DRAIN_POLL_TIMEOUT : POLL_TIMEOUT);
            boolean slept = seam.parks() != parks;
            if (sampled) {
                long pollCpu = (THREADS.getCurrentThreadCpuTime() - beforePoll) * POLL_SAMPLE;
                n.queueCpu += pollCpu;
                if (slept) n.sleepingCpu += pollCpu;
            }
            n.polls++;
            if (slept) {
                n.sleepingPolls++;
                n.sleepingEvents += ready.size();
            }
            for (EventQueue.Event e : ready) {
                n.events++;
                if ((e.ready() & EventQueue.WRITE) != 0) n.writeEvents++;
                if (e.attachment() == LISTENER) {
                    acceptAll(listener, q, c -> c);
                } else if (!handle((TcpSocket) e.attachment(), e.ready(), q)) {
                    closed++;
                    ended.countDown();
                }
            }
        }
        listener.close();
    }

    /**
     * The full collection before the window, the clients stopped: {@code System.gc()} (a full, stop-the-world
     * collection with the JDK's collectors, unless told otherwise, e.g. {@code -XX:+ExplicitGCInvokesConcurrent}
     * or {@code -XX:+DisableExplicitGC}), timed; its wall-clock time, and the process's CPU time and context
     * switches over it, are recorded for the case to leave out of the phase's figures. Its wall-clock time, ms.
     */
    long collect() {
        long cpu0 = ServerCase.processCpu(), switches0 = ContextSwitches.total(), t0 = System.nanoTime();
        System.gc();
        long t1 = System.nanoTime(), cpu1 = ServerCase.processCpu(), switches1 = ContextSwitches.total();
        pauseNanos = t1 - t0;
        pauseCpuNanos = cpu1 - cpu0;
        pauseSwitches = switches0 < 0 || switches1 < 0 ? 0 : switches1 - switches0;
        return Math.round((t1 - t0) / 1e6);
    }

    /** Accepts what is there (non-blocking), registering each connection for READ with what {@code attach} gives. */
    private void acceptAll(TcpSocket listener, EventQueue q, java.util.function.Function<TcpSocket, Object> attach) {
        while (accepted.get() < connections) {
            TcpSocket c;
            try {
                c = listener.accept();
            } catch (SocketError e) {
                if (e.errno() != Errno.EAGAIN) fail("accept: " + e.getMessage());
                return;
            }
            accepted.incrementAndGet();
            c.configureBlocking(false);
            q.register(c, EventQueue.READ, false, attach.apply(c));
        }
    }

    /**
     * Reads what is there on {@code s} and echoes each complete request; false once the connection has ended
     * (closed). A request read whole is echoed from {@link #scratch}; what must outlive the event (part of a
     * request, a reply the send buffer did not take whole) moves to a {@link Conn} in {@link #pending}, which
     * it leaves when its reply has been written whole.
     */
    private boolean handle(TcpSocket s, int ready, EventQueue q) {
        Conn c = pending.isEmpty() ? null : pending.get(s);
        try {
            if (c != null && c.written >= 0) {
                if ((ready & EventQueue.WRITE) == 0) return true;
                if (!flush(s, c, c.buf, q)) return true;
                c = null;
            }
            while (true) {
                byte[] b = c != null ? c.buf : scratch;
                int have = c != null ? c.have : 0;
                int r;
                try {
                    r = s.read(b, have, payload - have);
                } catch (SocketError e) {
                    if (e.errno() == Errno.EAGAIN) return true;
                    throw e;
                }
                if (r < 0) {
                    pending.remove(s);
                    q.deregister(s);
                    s.close();
                    return false;
                }
                have += r;
                if (have < payload) {
                    if (c == null) pending.put(s, c = new Conn(scratch, payload));
                    c.have = have;
                    continue;
                }
                if (c != null) c.have = 0;
                requests.incrementAndGet();
                if (c == null) {
                    // the usual case: the reply written whole from scratch, or what is left moves to a Conn
                    int w = writeSome(s, scratch, 0);
                    if (w == payload) continue;
                    pending.put(s, c = new Conn(scratch, payload));
                    c.written = w;
                } else {
                    c.written = 0;
                }
                if (!flush(s, c, c.buf, q)) return true;
                c = null;
            }
        } catch (SocketError | RuntimeException e) {
            fail("connection " + s + ": " + e.getMessage());
            pending.remove(s);
            q.deregister(s);
            s.close();
            return false;
        }
    }

    /** Writes {@code b} from {@code from} on until the send buffer is full; the bytes written then, up to {@link #payload}. */
    private int writeSome(TcpSocket s, byte[] b, int from) throws SocketError {
        int w = from;
        while (w < payload) {
            try {
                w += s.write(b, w, payload - w);
            } catch (SocketError e) {
                if (e.errno() != Errno.EAGAIN) throw e;
                break;
            }
        }
        return w;
    }

    /**
     * Writes the rest of {@code c}'s reply from {@code b}; true when it is all written (the connection reads
     * again, and leaves {@link #pending}), false when the send buffer is full (it waits for WRITE).
     */
    private boolean flush(TcpSocket s, Conn c, byte[] b, EventQueue q) throws SocketError {
        c.written = writeSome(s, b, c.written);
        if (c.written < payload) {
            if (!c.waitingToWrite) q.register(s, EventQueue.WRITE, false, s);
            c.waitingToWrite = true;
            return false;
        }
        c.written = -1;
        if (c.waitingToWrite) q.register(s, EventQueue.READ, false, s);
        pending.remove(s);
        return true;
    }
}
