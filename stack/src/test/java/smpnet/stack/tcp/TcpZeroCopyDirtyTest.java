package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpSocket.WriteInFlight;
import smpnet.stack.socket.TcpSocket.ZeroCopySend;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.zerocopy.DirtyDiff.Range;
import smpnet.stack.zerocopy.DirtyTracker.Backend;
import smpnet.witness.junit.WitnessExtension;

/**
 * The write checker of zero-copy sends, with each tracker back-end: a write into the bytes of a send still
 * in flight is reported once, with the connection, the written range (page-granular, clipped to the send)
 * and the stack of the send; a write outside the send, or after its completion, is not. Writes go straight
 * into the region, except for the write barrier, which sees only writes made through the send's handle.
 * A back-end that cannot run here (soft-dirty on a kernel without it) skips with its reason.
 */
@ExtendWith(WitnessExtension.class)
class TcpZeroCopyDirtyTest {
    private static final int PAGES = 8;

    private static int ps() { return smpnet.stack.internal.os.Posix.pageSize(); }

    private static void requireAvailable(Backend b) {
        String why = b.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> b.setting() + " back-end unavailable here: " + why);
    }

    /** Flips the byte at {@code at} (so copy-and-compare sees a change), through the handle for the write barrier. */
    private static void flip(Backend b, ZeroCopySend zc, MemorySegment region, long at) {
        byte v = (byte) ~region.get(ValueLayout.JAVA_BYTE, at);
        if (b == Backend.WRITE_BARRIER) zc.write(at, new byte[] {v}, 0, 1);
        else region.set(ValueLayout.JAVA_BYTE, at, v);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aWriteIntoASendInFlightIsReportedWithTheConnectionTheRangeAndTheSendsStack(Backend b) {
        requireAvailable(b);
        int ps = ps();
        long offset = 100;
        int length = 6 * ps;
        List<WriteInFlight> heard = new CopyOnWriteArrayList<>();
        TcpSim.Result r = TcpSim.run(41, LockMode.FINE, TcpSim.CLEAN, (a, bb, link) -> {
            TcpZeroCopyTest.Pair p = TcpZeroCopyTest.Pair.open(a, bb);
            p.c().checkWrites(b, heard::add);
            EventQueue q = a.newEventQueue();
            try (Arena arena = Arena.ofShared()) {
                MemorySegment region = TcpZeroCopyTest.region(arena, TcpTwoHostsTest.pattern(PAGES * ps, 6));
                AtomicReference<byte[]> read = TcpZeroCopyTest.reader(p.s(), length);
                ZeroCopySend zc = p.c().sendZeroCopy(region, offset, length, q);
                flip(b, zc, region, 3L * ps + 7);          // inside the send, in flight
                flip(b, zc, region, (long) (PAGES - 1) * ps); // the last page: outside the send
                TcpZeroCopyTest.await(read);
                assertSame(zc, TcpZeroCopyTest.completion(q, p.c()));
                WriteInFlight w = zc.writeInFlight();
                assertEquals(p.c().toString(), w.connection());
                assertEquals(zc.id(), w.sendId());
                assertEquals(List.of(new Range(3L * ps, 4L * ps)), w.ranges());
                assertEquals(b, w.backend());
                assertEquals("sendZeroCopy", w.sendStack().get(0).getMethodName());
                assertEquals(TcpSocket.class.getName(), w.sendStack().get(0).getClassName());
                assertEquals(TcpZeroCopyDirtyTest.class.getName(), w.sendStack().get(1).getClassName(),
                        "the frame after the send is the caller's: " + w);
                assertEquals(List.of(w), heard, "the listener heard the same report, once");
                TcpZeroCopyTest.assertNoMoreEvents(q);
                p.close();
            }
            TcpSim.sleep(61_000);
        });
        assertEquals(1, r.a().tcpStats().get(TcpStat.ZC_WRITES_IN_FLIGHT));
        assertEquals(1, r.a().tcpStats().get(TcpStat.ZC_COMPLETIONS));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aProgramThatWaitsForTheCompletionBeforeWritingIsNotReported(Backend b) {
        requireAvailable(b);
        int ps = ps();
        List<WriteInFlight> heard = new CopyOnWriteArrayList<>();
        TcpSim.Result r = TcpSim.run(43, LockMode.FINE, TcpSim.CLEAN, (a, bb, link) -> {
            TcpZeroCopyTest.Pair p = TcpZeroCopyTest.Pair.open(a, bb);
            p.c().checkWrites(b, heard::add);
            EventQueue q = a.newEventQueue();
            try (Arena arena = Arena.ofShared()) {
                byte[] first = TcpTwoHostsTest.pattern(PAGES * ps, 7);
                MemorySegment region = TcpZeroCopyTest.region(arena, first);
                AtomicReference<byte[]> read = TcpZeroCopyTest.reader(p.s(), 2 * PAGES * ps);
                ZeroCopySend zc = p.c().sendZeroCopy(region, 0, PAGES * ps, q);
                assertSame(zc, TcpZeroCopyTest.completion(q, p.c()));
                flip(b, zc, region, 5L * ps + 1); // done: the region is the application's again
                byte[] second = region.toArray(ValueLayout.JAVA_BYTE);
                ZeroCopySend zc2 = p.c().sendZeroCopy(region, 0, PAGES * ps, q);
                assertSame(zc2, TcpZeroCopyTest.completion(q, p.c()));
                byte[] got = TcpZeroCopyTest.await(read);
                assertArrayEquals(first, java.util.Arrays.copyOfRange(got, 0, PAGES * ps));
                assertArrayEquals(second, java.util.Arrays.copyOfRange(got, PAGES * ps, got.length));
                assertNull(zc.writeInFlight());
                assertNull(zc2.writeInFlight());
                p.close();
            }
            TcpSim.sleep(61_000);
        });
        assertEquals(List.of(), heard);
        assertEquals(0, r.a().tcpStats().get(TcpStat.ZC_WRITES_IN_FLIGHT));
        assertEquals(2, r.a().tcpStats().get(TcpStat.ZC_COMPLETIONS));
    }
}
