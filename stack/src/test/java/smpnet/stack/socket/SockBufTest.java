package smpnet.stack.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;
import smpnet.locking.Mutex;
import smpnet.locking.SxLock;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/** The socket buffer's record ring: order kept across wrap-around and growth, counts and watermarks exact. */
class SockBufTest {
    private final MbufAllocator alloc = MbufAllocator.create("sockbuf-test");
    private final Mutex lock = new Mutex("so_rcv");
    private final SockBuf sb = new SockBuf(lock, new SxLock("sblock"), "sbwait_test", 10_000);

    private Mbuf datagram(int n) { return datagram(n, 10); }

    private Mbuf datagram(int n, int length) {
        byte[] b = new byte[length];
        b[0] = (byte) n;
        b[1] = (byte) (n >> 8);
        return alloc.fromBytes(b, 0, b.length, Mbuf.M_NOWAIT);
    }

    private static int first(SockBuf.Datagram d) {
        byte[] b = d.data().toBytes();
        d.data().freeChain();
        return (b[0] & 0xff) | (b[1] & 0xff) << 8;
    }

    @Test
    void recordsComeOutInOrderThroughWrapAroundAndGrowth() {
        lock.lock();
        try {
            int next = 0;
            int expect = 0;
            // Wrap the initial 16 slots several times, then grow to hold 40 at once, then drain.
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 10; i++) assertTrue(sb.appendLocked(1, 2, datagram(next++)));
                for (int i = 0; i < 7; i++) assertEquals(expect++, first(sb.pollLocked()));
            }
            for (int i = 0; i < 25; i++) assertTrue(sb.appendLocked(1, 2, datagram(next++)));
            assertEquals((next - expect) * 10, sb.ccLocked());
            while (sb.readableLocked()) assertEquals(expect++, first(sb.pollLocked()));
            assertEquals(next, expect);
            assertEquals(0, sb.ccLocked());
            assertNull(sb.pollLocked());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void storageIsChargedNotOnlyPayloadBytes() {
        lock.lock();
        try {
            sb.setWatermarksLocked(1000, 1);
            // Each 10-byte datagram holds one mbuf (MSIZE 256): 8 x 1000 bytes of storage take 31 of them,
            // though their 310 payload bytes are far below the 1000-byte high watermark.
            int n = 0;
            for (Mbuf d = datagram(n); ; d = datagram(++n)) {
                if (!sb.appendLocked(1, 2, d)) {
                    d.freeChain();
                    break;
                }
            }
            assertEquals(31, n);
            assertEquals(310, sb.ccLocked());
            assertEquals(31 * Mbuf.MSIZE, sb.mbcntLocked());
            while (sb.readableLocked()) first(sb.pollLocked());
            assertEquals(0, sb.mbcntLocked());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void anEmptyDatagramIsReadable() {
        lock.lock();
        try {
            Mbuf empty = alloc.getHeader(Mbuf.M_NOWAIT);
            assertTrue(sb.appendLocked(1, 2, empty));
            assertEquals(0, sb.ccLocked());
            assertTrue(sb.readableLocked(), "no byte count will ever let an empty datagram out: it is readable as it is");
            SockBuf.Datagram d = sb.pollLocked();
            assertEquals(0, d.length());
            d.data().freeChain();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void theHighWatermarkRefusesAndShutdownHandsBackTheRest() {
        lock.lock();
        try {
            sb.setWatermarksLocked(100, 1);
            for (int i = 0; i < 2; i++) assertTrue(sb.appendLocked(1, 2, datagram(i, 40)));
            Mbuf refused = datagram(2, 40);
            assertFalse(sb.appendLocked(1, 2, refused), "80 bytes queued: a third 40-byte datagram does not fit");
            refused.freeChain();
            assertEquals(0, first(sb.pollLocked()));
            ArrayDeque<SockBuf.Datagram> left = sb.shutdownLocked();
            assertEquals(1, left.size());
            assertEquals(1, first(left.poll()));
            assertEquals(0, sb.ccLocked());
            Mbuf late = datagram(9);
            assertFalse(sb.appendLocked(1, 2, late));
            late.freeChain();
        } finally {
            lock.unlock();
        }
    }
}
