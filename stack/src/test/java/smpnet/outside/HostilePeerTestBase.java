package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import smpnet.stack.Stack;
import smpnet.stack.stats.TcpStat;

/**
 * What the tests of a host under a {@link RawPeer}'s hostile frames share: an exception escaping any thread of
 * the host is caught for the test to check, the host is closed after each test, tcpstat counters are read as
 * changes since a snapshot, and a frame is injected and the host's one answer (or none) taken.
 */
abstract class HostilePeerTestBase {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration QUIET = Duration.ofMillis(10);
    final AtomicReference<Throwable> uncaught = new AtomicReference<>();
    private final Map<TcpStat, Long> tcpBefore = new EnumMap<>(TcpStat.class);
    private Thread.UncaughtExceptionHandler previous;
    Stack h;
    RawPeer peer;

    @BeforeEach
    void catchThreads() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.compareAndSet(null, e));
    }

    @AfterEach
    void closeHost() {
        if (h != null) h.close();
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }

    /** Lets the host go quiet and takes its tcpstat counters as the base of {@link #tcpDelta}. */
    void snapshot() {
        h.quiesce();
        tcpBefore.putAll(h.tcpStats().snapshot());
    }

    long tcpDelta(TcpStat s) { return h.tcpStats().get(s) - tcpBefore.getOrDefault(s, 0L); }

    /** Injects {@code frame}, lets the host take it in, and says what it sent in answer (null: nothing). */
    RawPeer.Seg reply(byte[] frame) throws InterruptedException {
        peer.inject(frame);
        h.quiesce();
        h.quiesce();
        byte[] f = peer.next(QUIET);
        assertEquals(0, peer.pending(), "one answer at most");
        return f == null ? null : RawPeer.seg(f);
    }

    /**
     * Once the host is quiet: no thread threw, every frame had one outcome, and the host holds no connection,
     * control block, timer, SYN cache entry or mbuf.
     */
    void assertHostClean() {
        h.quiesce();
        assertNull(uncaught.get(), () -> "a thread of the host threw: " + uncaught.get());
        Stack.InputOutcomes o = h.inputOutcomes();
        assertTrue(o.balanced(), o.toString());
        assertEquals(new Stack.TcpResources(0, 0, 0, 0), h.tcpResources());
        assertEquals(0, h.allocator().outstanding(), "mbufs the host still holds");
    }
}
