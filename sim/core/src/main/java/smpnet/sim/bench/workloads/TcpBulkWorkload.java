package smpnet.sim.bench.workloads;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import smpnet.sim.bench.results.Tally;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.TcpSocket;

/**
 * One TCP connection's bulk throughput between two hosts ({@link TcpNet}): a writer thread on the
 * client writes a repeating pattern in {@link #CHUNK}-byte writes (or, for smpnet's zero-copy send, sends it
 * from memory regions by reference), a reader thread on the server reads and
 * checks every byte against the pattern at its stream offset. The tally counts bytes: generated is bytes
 * written, received is bytes read; TCP loses none, so nothing is counted as dropped and, once stopped,
 * received equals generated exactly (a mismatched byte fails the workload).
 *
 * <p>Thread use: {@code written} is the writer's, {@code read} the reader's (each a volatile the harness
 * thread reads); the writer waits at the gate between writes, the reader
 * blocks in {@code read} once the connection is drained, so a paused workload uses no CPU. The sockets are
 * the harness thread's before {@link #start} and after {@link #stop} has joined both threads.
 */
final class TcpBulkWorkload extends TcpWorkload {
    static final int CHUNK = 64 * 1024;
    /** The zero-copy writer's regions: each send is one whole region. */
    static final int ZC_REGION = 16 * CHUNK;
    /** How many regions the zero-copy writer sends in turn (each waits for its previous send's completion). */
    static final int ZC_REGIONS = 2;
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long a paused transfer may take to deliver what was written before the pause. */
    static final long DRAIN_NANOS = 20_000_000_000L;

    private final byte[] pattern = pattern(CHUNK);
    private final int sendBuffer;
    private final Thread writer;
    private final Thread reader;
    private TcpNet.Conn client;
    private TcpNet.Conn server;
    private volatile long written; // the writer's; a volatile write per 64 KB costs nothing measurable
    private volatile long read;    // the reader's

    /** The benchmark's transfer: the stack's default socket buffers (with their automatic growth). */
    TcpBulkWorkload(TcpNet net) {
        this(net, 0, false);
    }

    /**
     * A transfer whose client send buffer is {@code sendBuffer} bytes (0: the stack's default), which bounds
     * what is in flight when the workload pauses: the smoke test's runs then drain in milliseconds. With
     * {@code zeroCopy} the writer sends with smpnet's zero-copy send ({@link #zeroCopyLoop}).
     */
    TcpBulkWorkload(TcpNet net, int sendBuffer, boolean zeroCopy) {
        this(net, sendBuffer, zeroCopy, 0);
    }

    /**
     * As above, the writer bound to the first processor of {@code processors} and the reader to the second
     * ({@link BenchBinding}; 0: neither bound).
     */
    TcpBulkWorkload(TcpNet net, int sendBuffer, boolean zeroCopy, long processors) {
        super(net);
        this.sendBuffer = sendBuffer;
        Runnable write = zeroCopy ? this::zeroCopyLoop : this::writeLoop;
        writer = new Thread(() -> {
            BenchBinding.bindCurrentThread(processors, 0);
            write.run();
        }, "tcp-bulk-writer");
        reader = new Thread(() -> {
            BenchBinding.bindCurrentThread(processors, 1);
            readLoop();
        }, "tcp-bulk-reader");
    }

    /** The pattern byte at stream offset {@code i} is {@code pattern[i % n]}. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + (i >>> 8) + 7);
        return b;
    }

    @Override
    public void start() throws Exception {
        net.start();
        // The harness thread opens both ends (a Linux socket stays in the namespace it was made in, whichever
        // thread uses it); the writer and reader threads only use them.
        try (TcpNet.Listener listener = net.listen(1)) {
            net.joinClient();
            try {
                client = net.connect(sendBuffer, TIMEOUT.toMillis());
            } finally {
                net.leave();
            }
            server = listener.accept();
        }
        writer.start();
        reader.start();
    }

    /** The writer: whole chunks of the pattern until stopped, then a FIN (shutdown of the sending side). */
    private void writeLoop() {
        try {
            long n = 0;
            while (true) {
                gate.pass();
                if (stopping) break;
                n += client.write(pattern, 0, CHUNK);
                written = n;
            }
            client.shutdownOutput();
        } catch (Throwable e) {
            failure = e;
        }
    }

    /**
     * The zero-copy writer: sends {@link #ZC_REGION}-byte regions holding the pattern (a whole number of
     * {@link #CHUNK}s, so each send starts at the pattern's start) with {@code TcpSocket.sendZeroCopy}, the
     * {@link #ZC_REGIONS} regions in turn; before sending a region again it waits for that region's previous
     * send to complete (its {@code ZEROCOPY} event), as a program that rewrites its regions must. Once
     * stopped it waits for every send in flight to complete, then sends the FIN. A send completed with an
     * error fails the workload.
     */
    private void zeroCopyLoop() {
        try {
            TcpSocket socket = client.socket();
            EventQueue completions = net.newClientEventQueue();
            MemorySegment[] regions = new MemorySegment[ZC_REGIONS];
            TcpSocket.ZeroCopySend[] sent = new TcpSocket.ZeroCopySend[ZC_REGIONS];
            Arena arena = Arena.ofAuto(); // freed by the collector once no mbuf references the regions
            for (int i = 0; i < ZC_REGIONS; i++) {
                regions[i] = arena.allocate(ZC_REGION, 4096);
                for (long at = 0; at < ZC_REGION; at += CHUNK) {
                    MemorySegment.copy(pattern, 0, regions[i], ValueLayout.JAVA_BYTE, at, CHUNK);
                }
            }
            long n = 0;
            for (int k = 0; ; k = (k + 1) % ZC_REGIONS) {
                gate.pass();
                if (stopping) break;
                awaitCompletion(sent[k], completions);
                sent[k] = socket.sendZeroCopy(regions[k], 0, ZC_REGION, completions);
                n += ZC_REGION;
                written = n;
            }
            for (TcpSocket.ZeroCopySend s : sent) awaitCompletion(s, completions);
            client.shutdownOutput();
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Waits until {@code send} (null: none) has completed, taking the completions that come meanwhile. */
    private static void awaitCompletion(TcpSocket.ZeroCopySend send, EventQueue completions) {
        if (send == null) return;
        while (!send.isDone()) {
            List<EventQueue.Event> events = completions.poll(ZC_REGIONS, TIMEOUT);
            if (events.isEmpty()) throw new IllegalStateException("zero-copy send " + send.id() + " not completed in " + TIMEOUT);
            for (EventQueue.Event e : events) {
                if (e.ready() != EventQueue.ZEROCOPY) throw new IllegalStateException("unexpected event " + e);
                TcpSocket.ZeroCopySend done = (TcpSocket.ZeroCopySend) e.attachment();
                if (done.error() != null) {
                    throw new IllegalStateException("zero-copy send " + done.id() + " completed with " + done.error());
                }
            }
        }
    }

    /** The reader: reads to end of stream, checking each byte against the pattern at its offset. */
    private void readLoop() {
        byte[] buf = new byte[CHUNK];
        try {
            long n = 0;
            int r;
            while ((r = server.read(buf, 0, buf.length)) >= 0) {
                int at = (int) (n % CHUNK);
                for (int done = 0; done < r; ) {
                    int len = Math.min(r - done, CHUNK - at);
                    if (!Arrays.equals(buf, done, done + len, pattern, at, at + len)) {
                        throw new IllegalStateException("byte mismatch in the " + len + " bytes from stream offset " + (n + done));
                    }
                    done += len;
                    at = 0;
                }
                n += r;
                read = n;
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    /**
     * Holds the writer at the gate, then waits until the reader has read every byte written, so the paused
     * workload has nothing in flight (and its reader is blocked in {@code read}, using no CPU). A transfer
     * that does not drain within {@link #DRAIN_NANOS} has stalled: that fails the run, naming the bytes.
     */
    @Override
    public void pause() {
        pause(1, "writer");
        long deadline = System.nanoTime() + DRAIN_NANOS;
        while (read != written) {
            if (failure != null) throw new IllegalStateException("the transfer failed", failure);
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the transfer stalled: " + (written - read) + " of " + written
                        + " bytes written not read after " + DRAIN_NANOS / 1_000_000_000 + " s; " + net.counters());
            }
            LockSupport.parkNanos(200_000);
        }
    }

    @Override
    public Tally tally() {
        return new Tally(written, read, 0);
    }

    @Override
    public Histogram takeLatency() {
        return new Histogram(3);
    }

    @Override
    public Tally stop(long settleNanos) throws Exception {
        release();
        writer.join(settleNanos / 1_000_000);
        reader.join(settleNanos / 1_000_000);
        if (writer.isAlive() || reader.isAlive()) throw new IllegalStateException("the transfer did not end in time");
        if (failure != null) throw new IllegalStateException("the transfer failed", failure);
        server.close();
        byte[] rest = new byte[1];
        if (client.read(rest, 0, 1) >= 0) throw new IllegalStateException("data after the server's FIN");
        client.close();
        finish(); // the client closed last: its TIME_WAIT
        return tally();
    }

    @Override
    void closeSockets() {
        try (TcpNet.Conn s = server; TcpNet.Conn c = client) {
            // both closed, the client last, even when the first close fails
        } catch (java.io.IOException e) {
            if (failure == null) failure = e;
        }
    }
}
