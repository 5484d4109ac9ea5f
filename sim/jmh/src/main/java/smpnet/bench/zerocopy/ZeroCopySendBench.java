package smpnet.bench.zerocopy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpSocket.ZeroCopySend;

/**
 * One TCP connection between two hosts on a wire (free-running threads, fine locking): each operation is one
 * write of {@code size} bytes, by copy ({@code TcpSocket.write}) or by reference ({@code sendZeroCopy}); a
 * thread on the other host reads everything. The score is writes per second: bytes per second is it times
 * {@code size}, and the ratio of the two kinds at one size is the gain of not copying.
 *
 * <p>A zero-copy write uses the next of a ring of regions ({@link #IN_FLIGHT_BYTES} in all, at least 4), and
 * waits for that region's completion before reusing it, as an application must; a copying write returns
 * once its bytes are in the send buffer. Both thus keep up to about the same amount of data in flight.
 * {@code memory} places the regions in native memory (the default) or Java arrays ({@code -p memory=HEAP}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Dsmpnet.mbuf.track=off"})
public class ZeroCopySendBench {
    static final long IN_FLIGHT_BYTES = 4L << 20;

    /** How the bytes enter the stack. */
    public enum Kind { COPY, ZEROCOPY }

    @Param({"1024", "65536", "1048576"})
    public int size;

    @Param({"COPY", "ZEROCOPY"})
    public Kind kind;

    /** Where a zero-copy region lives: native memory (shared arena, page-aligned) or a Java array. */
    public enum Memory { NATIVE, HEAP }

    @Param({"NATIVE"})
    public Memory memory;

    private Stack a;
    private Stack b;
    private TcpSocket client;
    private TcpSocket server;
    private TcpSocket listener;
    private Thread drain;
    private final AtomicLong received = new AtomicLong();
    private Arena arena;
    private MemorySegment[] regions;
    private ZeroCopySend[] inFlight;
    private int next;
    private EventQueue completions;
    private byte[] bytes;

    @Setup(Level.Trial)
    public void open() throws Exception {
        a = Stack.create(StackConfig.defaults("a").withMode(LockMode.FINE));
        b = Stack.create(StackConfig.defaults("b").withMode(LockMode.FINE));
        SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1).withRingSize(4096));
        SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1).withRingSize(4096));
        Wire.connect(na, nb);
        a.start();
        b.start();
        InetSocketAddress addr = new InetSocketAddress("10.0.0.2", 5001);
        listener = b.openTcp().bind(addr).listen(1);
        client = a.openTcp();
        client.connect(addr);
        server = listener.accept();
        drain = new Thread(this::drainLoop, "drain");
        drain.setDaemon(true);
        drain.start();
        bytes = new byte[size];
        for (int i = 0; i < size; i++) bytes[i] = (byte) (i * 31);
        arena = Arena.ofShared();
        int n = (int) Math.max(4, IN_FLIGHT_BYTES / size);
        regions = new MemorySegment[n];
        inFlight = new ZeroCopySend[n];
        for (int i = 0; i < n; i++) {
            regions[i] = memory == Memory.NATIVE ? arena.allocate(size, 4096) : MemorySegment.ofArray(new byte[size]);
            regions[i].copyFrom(MemorySegment.ofArray(bytes));
        }
        completions = a.newEventQueue();
    }

    private void drainLoop() {
        byte[] buf = new byte[64 * 1024];
        try {
            while (true) {
                int r = server.read(buf, 0, buf.length);
                if (r < 0) return;
                received.addAndGet(r);
            }
        } catch (SocketError e) {
            // the connection went at tear-down
        }
    }

    @Benchmark
    public int write() throws SocketError {
        if (kind == Kind.COPY) return client.write(bytes);
        int i = next;
        next = (i + 1) % regions.length;
        awaitDone(inFlight[i]);
        inFlight[i] = client.sendZeroCopy(regions[i], 0, size, completions);
        return i;
    }

    /** Waits until {@code z} (if any) completed: its region may be reused. */
    private void awaitDone(ZeroCopySend z) {
        while (z != null && !z.isDone()) completions.poll(64, Duration.ofMillis(100));
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        for (ZeroCopySend z : inFlight) awaitDone(z);
        client.close();
        drain.join(5000);
        server.close();
        listener.close();
        a.close();
        b.close();
        arena.close();
    }
}
