package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpSocket.ZeroCopySend;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Zero-copy sends (TcpSocket.sendZeroCopy) between two deterministic hosts, in every locking mode: the
 * bytes arrive exactly, no byte of a region is copied into a segment (the counters of copied and referenced
 * bytes say so, retransmissions included), and each send's completion event comes exactly once, only after
 * its last byte is acknowledged and its last mbuf reference freed, and with its error after a reset or abort.
 */
@ExtendWith(WitnessExtension.class)
class TcpZeroCopyTest {
    private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 5001);

    /** A connected pair: c on host a, s (accepted) on host b. */
    record Pair(TcpSocket c, TcpSocket s, TcpSocket lis) {
        static Pair open(Stack a, Stack b) throws Exception {
            TcpSocket lis = b.openTcp().bind(B).listen(1);
            TcpSocket c = a.openTcp();
            c.connect(B);
            return new Pair(c, lis.accept(), lis);
        }

        void close() {
            c.close();
            s.close();
            lis.close();
        }
    }

    static MemorySegment region(Arena arena, byte[] content) {
        MemorySegment r = arena.allocate(content.length, 4096);
        r.copyFrom(MemorySegment.ofArray(content));
        return r;
    }

    static byte[] readExactly(TcpSocket s, int n) throws Exception {
        byte[] got = new byte[n];
        int at = 0;
        while (at < n) {
            int r = s.read(got, at, n - at);
            if (r < 0) throw new AssertionError("end of stream after " + at + " of " + n + " bytes");
            at += r;
        }
        return got;
    }

    /** Reads {@code n} bytes of {@code s} on a thread of its own (the sender may wait for the reader). */
    static AtomicReference<byte[]> reader(TcpSocket s, int n) {
        AtomicReference<byte[]> into = new AtomicReference<>();
        ((DeterministicScheduler) Scheduler.current()).spawn("reader", () -> {
            try {
                into.set(readExactly(s, n));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return into;
    }

    /** Waits (in virtual time, a minute at most) for the reader's bytes. */
    static byte[] await(AtomicReference<byte[]> read) {
        for (int i = 0; i < 60_000 && read.get() == null; i++) TcpSim.sleep(1);
        assertTrue(read.get() != null, "the reader got every byte");
        return read.get();
    }

    /** The next event of {@code q} (within a minute of virtual time), which must be a zero-copy completion. */
    static ZeroCopySend completion(EventQueue q, TcpSocket from) {
        List<EventQueue.Event> ev = q.poll(1, Duration.ofSeconds(60));
        assertEquals(1, ev.size(), "a completion event");
        assertEquals(EventQueue.ZEROCOPY, ev.get(0).ready());
        assertSame(from, ev.get(0).source());
        return (ZeroCopySend) ev.get(0).attachment();
    }

    static void assertNoMoreEvents(EventQueue q) {
        assertEquals(List.of(), q.poll(1, Duration.ofSeconds(1)), "no event beyond the one completion");
    }

    /** Every data byte that left host a was a reference to a region (none copied), retransmissions included. */
    static void assertSentByReference(Counters<TcpStat> st, long copiedExpected) {
        assertEquals(copiedExpected, st.get(TcpStat.SNDBYTE_COPIED), st.nonZero());
        assertEquals(st.get(TcpStat.SNDBYTE) + st.get(TcpStat.SNDREXMITBYTE) - copiedExpected,
                st.get(TcpStat.SNDBYTE_BYREF), st.nonZero());
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aRegionBetweenCopiedWritesIsSentByReferenceAndCompletesOnceAfterItsLastAck(LockMode mode) {
        byte[] before = TcpTwoHostsTest.pattern(1000, 1);
        byte[] payload = TcpTwoHostsTest.pattern(200_000, 2);
        byte[] after = TcpTwoHostsTest.pattern(3000, 3);
        TcpSim.Result r = TcpSim.run(5, mode, TcpSim.CLEAN, (a, b, link) -> {
            Pair p = Pair.open(a, b);
            EventQueue q = a.newEventQueue();
            try (Arena arena = Arena.ofShared()) {
                MemorySegment region = region(arena, payload);
                AtomicReference<byte[]> read = reader(p.s(), before.length + payload.length + after.length);
                assertEquals(before.length, p.c().write(before));
                ZeroCopySend zc = p.c().sendZeroCopy(region, 0, payload.length, q);
                assertFalse(zc.isDone(), "queued, not sent: not done");
                assertEquals(after.length, p.c().write(after));
                byte[] got = await(read);
                assertArrayEquals(before, java.util.Arrays.copyOfRange(got, 0, before.length));
                assertArrayEquals(payload, java.util.Arrays.copyOfRange(got, before.length, before.length + payload.length));
                assertArrayEquals(after, java.util.Arrays.copyOfRange(got, before.length + payload.length, got.length));
                ZeroCopySend done = completion(q, p.c());
                assertSame(zc, done);
                assertTrue(done.isDone());
                assertNull(done.error());
                assertEquals(payload.length, done.bytesAcked(), "completed only once every byte was acknowledged");
                assertNull(done.writeInFlight(), "no checker, no report");
                assertNoMoreEvents(q);
                p.close();
            }
            TcpSim.sleep(61_000);
        });
        Counters<TcpStat> st = r.a().tcpStats();
        assertEquals(0, st.get(TcpStat.SNDREXMITBYTE), "a clean link: nothing retransmitted");
        assertSentByReference(st, before.length + after.length);
        assertEquals(payload.length, st.get(TcpStat.SNDBYTE_BYREF));
        assertEquals(1, st.get(TcpStat.ZC_SENDS));
        assertEquals(1, st.get(TcpStat.ZC_COMPLETIONS));
        assertEquals(0, st.get(TcpStat.ZC_ABORTED));
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void retransmissionsReferenceTheRegionsAgainAndEachSendCompletesOnce(LockMode mode) {
        int sends = 8;
        int size = 64 * 1024;
        Impairments lossy = TcpSim.CLEAN.withLoss(0.03);
        TcpSim.Result r = TcpSim.run(17, mode, lossy, (a, b, link) -> {
            Pair p = Pair.open(a, b);
            EventQueue q = a.newEventQueue();
            try (Arena arena = Arena.ofShared()) {
                List<ZeroCopySend> handles = new ArrayList<>();
                AtomicReference<byte[]> read = reader(p.s(), sends * size);
                byte[] all = new byte[sends * size];
                for (int i = 0; i < sends; i++) {
                    byte[] content = TcpTwoHostsTest.pattern(size, 10 + i);
                    System.arraycopy(content, 0, all, i * size, size);
                    handles.add(p.c().sendZeroCopy(region(arena, content), 0, size, q));
                }
                assertArrayEquals(all, await(read));
                Set<ZeroCopySend> seen = new HashSet<>();
                for (int i = 0; i < sends; i++) {
                    ZeroCopySend z = completion(q, p.c());
                    assertTrue(seen.add(z), "one event per send: " + z);
                    assertNull(z.error());
                    assertEquals(size, z.bytesAcked());
                }
                assertEquals(new HashSet<>(handles), seen);
                assertNoMoreEvents(q);
                p.close();
            }
            TcpSim.sleep(61_000);
        });
        Counters<TcpStat> st = r.a().tcpStats();
        assertTrue(st.get(TcpStat.SNDREXMITBYTE) > 0, "the link lost data segments: " + st.nonZero());
        assertSentByReference(st, 0);
        assertEquals(sends, st.get(TcpStat.ZC_COMPLETIONS));
        assertEquals(0, st.get(TcpStat.ZC_ABORTED));
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aResetOrAnAbortCompletesTheSendOnceWithItsError(LockMode mode) {
        int size = 100_000;
        TcpSim.Result r = TcpSim.run(23, mode, TcpSim.CLEAN, (a, b, link) -> {
            EventQueue q = a.newEventQueue();
            try (Arena arena = Arena.ofShared()) {
                MemorySegment region = region(arena, TcpTwoHostsTest.pattern(size, 4));
                // the peer resets: its small buffer is full, nothing is read, then SO_LINGER 0
                Pair p = Pair.open(a, b);
                p.s().setOption(SockOpt.SO_RCVBUF, 4096);
                ZeroCopySend zc = p.c().sendZeroCopy(region, 0, size, q);
                TcpSim.sleep(500);
                assertFalse(zc.isDone(), "the peer's window holds most of it back");
                p.s().setOption(SockOpt.SO_LINGER, 0);
                p.s().close();
                ZeroCopySend done = completion(q, p.c());
                assertSame(zc, done);
                assertEquals(Errno.ECONNRESET, done.error());
                assertTrue(done.bytesAcked() < size, done.bytesAcked() + " acknowledged");
                assertNoMoreEvents(q);
                p.c().close();
                // this side aborts (SO_LINGER 0) with the region unacknowledged
                TcpSocket c2 = a.openTcp();
                c2.connect(B);
                TcpSocket s2 = p.lis().accept();
                s2.setOption(SockOpt.SO_RCVBUF, 4096);
                ZeroCopySend zc2 = c2.sendZeroCopy(region, 10, size - 10, q);
                TcpSim.sleep(500);
                c2.setOption(SockOpt.SO_LINGER, 0);
                c2.close();
                ZeroCopySend done2 = completion(q, c2);
                assertSame(zc2, done2);
                assertEquals(Errno.ECONNABORTED, done2.error());
                assertNoMoreEvents(q);
                s2.close();
                p.lis().close();
            }
            TcpSim.sleep(61_000);
        });
        Counters<TcpStat> st = r.a().tcpStats();
        assertEquals(2, st.get(TcpStat.ZC_COMPLETIONS));
        assertEquals(2, st.get(TcpStat.ZC_ABORTED));
        assertSentByReference(st, 0);
    }

    @Test
    void theCompletionWaitsForTheLastMbufReferenceNotJustTheAck() {
        int size = 50_000;
        byte[] content = TcpTwoHostsTest.pattern(size, 5);
        TcpSim.runWithNics(29, LockMode.FINE, TcpSim.CLEAN, (a, b, na, nb) -> {
            // host a's transmit side keeps every frame it sends (as a NIC ring not yet reclaimed), handing
            // the peer a copy
            List<Mbuf> held = new ArrayList<>();
            Mutex heldLock = new Mutex("held_frames");
            na.attachLink(frame -> {
                Mbuf copy = MbufTransfer.COPY.transfer(frame.copyRange(0, Mbuf.M_COPYALL, Mbuf.M_NOWAIT), nb.allocator(),
                        Mbuf.M_NOWAIT);
                heldLock.lock();
                try {
                    held.add(frame);
                } finally {
                    heldLock.unlock();
                }
                nb.receive(copy);
            });
            Pair p = Pair.open(a, b);
            EventQueue q = a.newEventQueue();
            try (Arena arena = Arena.ofShared()) {
                ZeroCopySend zc = p.c().sendZeroCopy(region(arena, content), 0, size, q);
                assertArrayEquals(content, readExactly(p.s(), size));
                while (zc.bytesAcked() < size) TcpSim.sleep(10);
                TcpSim.sleep(100);
                assertEquals(0, p.c().sendQueued(), "every byte acknowledged");
                assertFalse(zc.isDone(), "frames still reference the region");
                assertEquals(List.of(), q.poll(1, Duration.ZERO), "no completion while frames reference the region");
                heldLock.lock();
                List<Mbuf> frames;
                try {
                    frames = new ArrayList<>(held);
                    held.clear();
                } finally {
                    heldLock.unlock();
                }
                List<Mbuf> withData = new ArrayList<>();
                for (Mbuf f : frames) {
                    if (referencesStorage(f)) withData.add(f); else f.freeChain();
                }
                assertTrue(withData.size() > 1, withData.size() + " frames carried data");
                Mbuf last = withData.removeLast();
                withData.forEach(Mbuf::freeChain);
                assertFalse(zc.isDone(), "one frame still references the region");
                assertEquals(List.of(), q.poll(1, Duration.ZERO));
                last.freeChain();
                assertSame(zc, completion(q, p.c()));
                assertNull(zc.error());
                assertNoMoreEvents(q);
                p.close();
                TcpSim.sleep(61_000);
                heldLock.lock();
                try {
                    held.forEach(Mbuf::freeChain); // the FIN handshake's frames
                    held.clear();
                } finally {
                    heldLock.unlock();
                }
            }
        });
    }

    /** True if frame {@code m} references external storage (here: the region, as no byte was copied). */
    private static boolean referencesStorage(Mbuf m) {
        for (Mbuf x = m; x != null; x = x.next()) if (x.isExternal()) return true;
        return false;
    }

    @Test
    void aSendThatCannotBeQueuedFailsWithoutAnEvent() {
        TcpSim.run(31, LockMode.FINE, TcpSim.CLEAN, (a, b, link) -> {
            EventQueue q = a.newEventQueue();
            try (Arena arena = Arena.ofShared(); TcpSocket c = a.openTcp()) {
                MemorySegment region = arena.allocate(8192, 4096);
                SocketError e = assertThrows(SocketError.class, () -> c.sendZeroCopy(region, 0, 8192, q));
                assertEquals(Errno.ENOTCONN, e.errno());
                assertThrows(IndexOutOfBoundsException.class, () -> c.sendZeroCopy(region, 4096, 8192, q));
                assertEquals(List.of(), q.poll(1, Duration.ofSeconds(1)));
            }
        });
    }
}
