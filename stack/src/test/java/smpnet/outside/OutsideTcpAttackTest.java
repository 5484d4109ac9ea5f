package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.outside.RawPeer.ACK;
import static smpnet.outside.RawPeer.PSH;
import static smpnet.outside.RawPeer.RST;
import static smpnet.outside.RawPeer.SYN;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * Blind and resource attacks on an established connection, from a peer made of bytes, in every locking mode:
 * RFC 5961's in-window RST and SYN and unacceptable ACKs (exact tcpstat counts, challenge ACKs limited by
 * net.inet.tcp.ack_war_cnt), a reassembly queue flooded with tiny out-of-order segments (FreeBSD's
 * net.inet.tcp.reass.maxqueuelen and sb_mbmax limits, tcps_rcvreassfull), a SACK scoreboard flooded with
 * one-byte blocks from a peer whose MSS of 1 is raised to net.inet.tcp.minmss (net.inet.tcp.sack.maxholes,
 * tcps_sack_sboverflow), and options that lie (a timestamp of the wrong length, repeated MSS options, a
 * window scale of 15). Each attack is answered exactly as FreeBSD answers it, the memory the host holds stays
 * bounded, the connection carries on and, once it is gone, no mbuf is left.
 */
class OutsideTcpAttackTest extends HostilePeerTestBase {
    private static final int PORT = 40000;
    private static final byte[] NONE = new byte[0];
    private TcpSocket lis;
    /** The host's initial sequence number, from its SYN-ACK. */
    private int iss;

    /**
     * A host listening on port 80 with every segment acked at once and a fixed receive buffer of {@code recvspace};
     * {@code bootTunables} ("name=value") are set before it starts.
     */
    private void host(LockMode mode, int recvspace, String... bootTunables) throws Exception {
        h = Stack.create(StackConfig.defaults("victim").withMode(mode));
        SimNic nic = h.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        peer = new RawPeer(nic, "10.0.0.1", "10.0.0.9");
        for (String t : bootTunables) h.sysctl(t.substring(0, t.indexOf('=')), Long.parseLong(t.substring(t.indexOf('=') + 1)));
        h.start();
        h.sysctl("net.inet.tcp.delayed_ack", 0);
        h.sysctl("net.inet.tcp.recvbuf_auto", 0);
        h.sysctl("net.inet.tcp.recvspace", recvspace);
        lis = h.openTcp().setReceiveTimeout(WAIT).bind(new InetSocketAddress("10.0.0.1", 80)).listen(4);
    }

    /** The handshake from the peer's ISN 1000 with SYN options {@code synOptions}; returns the accepted socket. */
    private TcpSocket handshake(byte[] synOptions) throws Exception { return handshake(PORT, synOptions); }

    /** As {@link #handshake(byte[])} from the peer's port {@code port}. */
    private TcpSocket handshake(int port, byte[] synOptions) throws Exception {
        RawPeer.Seg synAck = answer(peer.frame(peer.tcp(port, 80, 1000, 0, SYN, 65535, 5 + synOptions.length / 4,
                synOptions, NONE)));
        assertNotNull(synAck, "a SYN-ACK");
        assertEquals(SYN | ACK, synAck.flags());
        iss = synAck.seq();
        assertNull(answer(peer.frame(peer.tcp(port, 80, 1001, iss + 1, ACK, NONE))));
        TcpSocket s = lis.accept().setReceiveTimeout(WAIT);
        assertEquals(TcpState.ESTABLISHED, s.state());
        return s;
    }

    private byte[] segment(int seq, int ack, int flags, byte[] data) {
        return peer.frame(peer.tcp(PORT, 80, seq, ack, flags, data));
    }

    private RawPeer.Seg answer(byte[] frame) throws InterruptedException { return reply(frame); }

    /** The answer to {@code frame}, which must be a bare ACK of {@code ack}. */
    private RawPeer.Seg ackOf(byte[] frame, int ack) throws InterruptedException {
        RawPeer.Seg a = answer(frame);
        assertNotNull(a, "an ACK");
        assertEquals(ACK, a.flags());
        assertEquals(ack, a.ack());
        assertEquals(0, a.dataLength());
        return a;
    }

    /** Closes the connection with a RST (SO_LINGER 0) and checks the host is left with nothing. */
    private void abortAndCheck(TcpSocket s) throws Exception {
        s.setOption(SockOpt.SO_LINGER, 0);
        s.close();
        lis.close();
        RawPeer.Seg rst = RawPeer.seg(peer.next(WAIT));
        assertEquals(RST, rst.flags() & RST);
        assertHostClean();
    }

    private static byte[] pattern(int from, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (from + i);
        return b;
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void blindRstSynAndAckAreChallengedAndCounted(LockMode mode) throws Exception {
        host(mode, 65536);
        h.sysctl("net.inet.tcp.ack_war_timewindow", 60_000); // the whole test inside one rate-limit window
        TcpSocket s = handshake(new byte[] {2, 4, 0x05, (byte) 0xb4}); // MSS 1460, nothing else
        int rcvNxt = 1001;
        int sndUna = iss + 1;
        snapshot();

        // RFC 5961 5.2: data whose ACK is below SND.UNA - MAX.SND.WND (65535) is dropped with a challenge ACK.
        ackOf(segment(rcvNxt, sndUna - 70_000, ACK | PSH, "blind".getBytes()), rcvNxt);
        assertEquals(1, tcpDelta(TcpStat.CHALLENGEACK));
        assertEquals(0, tcpDelta(TcpStat.RCVBYTE), "the blind data is not taken");

        // RFC 5961 3.2: RSTs in the window but not at RCV.NXT: each is tcps_badrst; the first four more draw
        // challenge ACKs, then net.inet.tcp.ack_war_cnt (5 per window) silences them.
        for (int i = 0; i < 7; i++) {
            RawPeer.Seg a = answer(segment(rcvNxt + 1 + 1000 * i, 0, RST, NONE));
            if (i < 4) {
                assertNotNull(a, "challenge ACK " + (i + 2));
                assertEquals(ACK, a.flags());
                assertEquals(rcvNxt, a.ack());
                assertEquals(sndUna, a.seq());
            } else {
                assertNull(a, "rate-limited RST " + i);
            }
        }
        assertEquals(7, tcpDelta(TcpStat.BADRST));
        assertEquals(5, tcpDelta(TcpStat.CHALLENGEACK));

        // RFC 5961 4.2: a SYN in the window is tcps_badsyn and would draw a challenge ACK: the limit holds.
        assertNull(answer(peer.frame(peer.tcp(PORT, 80, rcvNxt + 5, 0, SYN, NONE))));
        assertNull(answer(peer.frame(peer.tcp(PORT, 80, rcvNxt - 5, 0, SYN, NONE))));
        assertEquals(2, tcpDelta(TcpStat.BADSYN));
        assertEquals(5, tcpDelta(TcpStat.CHALLENGEACK));

        // An ACK of data never sent is tcps_rcvacktoomuch, its data dropped; the ACK that would answer it
        // (dropafterack) shares the same budget (as FreeBSD's RACK stack, ctf_ack_war_checks): a storm of
        // them, with the window's five spent, gets no answer at all.
        for (int i = 0; i < 20; i++) assertNull(answer(segment(rcvNxt, sndUna + 1 + i, ACK | PSH, "x".getBytes())));
        assertEquals(20, tcpDelta(TcpStat.RCVACKTOOMUCH));
        assertEquals(0, tcpDelta(TcpStat.RCVBYTE));
        assertEquals(0, tcpDelta(TcpStat.DROPS));

        // In a new window the next one is answered again: <SEQ=SND.NXT><ACK=RCV.NXT>.
        h.sysctl("net.inet.tcp.ack_war_timewindow", 1);
        Thread.sleep(2);
        RawPeer.Seg again = ackOf(segment(rcvNxt, sndUna + 1, ACK | PSH, "x".getBytes()), rcvNxt);
        assertEquals(sndUna, again.seq());
        assertEquals(21, tcpDelta(TcpStat.RCVACKTOOMUCH));

        // The connection carries on; a RST at RCV.NXT then resets it.
        ackOf(segment(rcvNxt, sndUna, ACK | PSH, "real".getBytes()), rcvNxt + 4);
        assertArrayEquals("real".getBytes(), OutsideTcpTest.readExactly(s, 4));
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertNull(answer(segment(rcvNxt + 4, 0, RST, NONE)));
        assertEquals(TcpState.CLOSED, s.state());
        assertEquals(1, tcpDelta(TcpStat.DROPS));
        s.close();
        lis.close();
        assertHostClean();
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void reassemblyFloodIsBoundedAndTheStreamCompletes(LockMode mode) throws Exception {
        // 8192 bytes of receive buffer, MSS 1024: at most min(8192 / 1024 + 1, 100) = 9 separate runs and
        // 8 * 8192 = 65536 bytes of storage (sb_mbmax) out of order; a one-byte piece costs an mbuf (256).
        host(mode, 8192);
        TcpSocket s = handshake(new byte[] {2, 4, 0x04, 0x00});
        int base = 1001;
        long mbufs = h.allocator().outstanding();
        snapshot();

        // Many holes: one byte at every other sequence number. Nine runs are kept, the rest dropped; each
        // segment is acked at once with the hole's ACK (RFC 5681 4.2).
        for (int k = 1; k <= 50; k++) ackOf(segment(base + 2 * k, iss + 1, ACK, pattern(2 * k, 1)), base);
        assertEquals(41, tcpDelta(TcpStat.RCVREASSFULL));
        assertEquals(50, tcpDelta(TcpStat.RCVOOPACK));
        assertEquals(9, h.allocator().outstanding() - mbufs, "one mbuf per queued byte");

        // Tiny adjacent segments extending the last run: no new run, but each costs an mbuf, and the storage
        // limit (65536 / 256 = 256 pieces) stops them.
        for (int i = 19; i < 319; i++) ackOf(segment(base + i, iss + 1, ACK, pattern(i, 1)), base);
        assertEquals(41 + 300 - 247, tcpDelta(TcpStat.RCVREASSFULL));
        assertEquals(256, h.allocator().outstanding() - mbufs, "the queue at its storage limit");

        // The hole filled: the stream is whole, in order, and the queue empty.
        ackOf(segment(base, iss + 1, ACK | PSH, pattern(0, 400)), base + 400);
        assertArrayEquals(pattern(0, 400), OutsideTcpTest.readExactly(s, 400));
        assertEquals(0, h.allocator().outstanding() - mbufs, "the queue emptied");
        abortAndCheck(s);
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void theHostWideReassemblyLimitBoundsManyConnections(LockMode mode) throws Exception {
        // Each connection may keep 9 runs (8192 / 1024 + 1), all of them together 12
        // (net.inet.tcp.reass.maxsegments, a boot-time tunable): a second connection's holes beyond the host's
        // share are dropped as tcps_rcvmemdrop, until the first connection's hole is filled.
        host(mode, 8192, "net.inet.tcp.reass.maxsegments=12");
        byte[] mss = {2, 4, 0x04, 0x00};
        TcpSocket a = handshake(PORT, mss);
        int issA = iss;
        TcpSocket b = handshake(PORT + 1, mss);
        int issB = iss;
        snapshot();
        for (int k = 1; k <= 9; k++) {
            ackOf(peer.frame(peer.tcp(PORT, 80, 1001 + 2 * k, issA + 1, ACK, pattern(2 * k, 1))), 1001);
        }
        for (int k = 1; k <= 9; k++) {
            ackOf(peer.frame(peer.tcp(PORT + 1, 80, 1001 + 2 * k, issB + 1, ACK, pattern(2 * k, 1))), 1001);
        }
        assertEquals(6, tcpDelta(TcpStat.RCVMEMDROP));
        assertEquals(0, tcpDelta(TcpStat.RCVREASSFULL));
        // a's stream completes; its runs no longer count, and b may queue again.
        ackOf(peer.frame(peer.tcp(PORT, 80, 1001, issA + 1, ACK | PSH, pattern(0, 20))), 1021);
        assertArrayEquals(pattern(0, 20), OutsideTcpTest.readExactly(a, 20));
        ackOf(peer.frame(peer.tcp(PORT + 1, 80, 1001 + 20, issB + 1, ACK, pattern(20, 1))), 1001);
        assertEquals(6, tcpDelta(TcpStat.RCVMEMDROP));
        ackOf(peer.frame(peer.tcp(PORT + 1, 80, 1001, issB + 1, ACK | PSH, pattern(0, 21))), 1022);
        assertArrayEquals(pattern(0, 21), OutsideTcpTest.readExactly(b, 21));
        a.setOption(SockOpt.SO_LINGER, 0);
        a.close();
        assertEquals(RST, RawPeer.seg(peer.next(WAIT)).flags() & RST);
        abortAndCheck(b);
    }

    /** A SACK option (nop, nop, kind 5) holding {@code blocks}, start and end pairs relative to {@code base}. */
    private static byte[] sack(int base, int... blocks) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * blocks.length);
        b.put((byte) 1).put((byte) 1).put((byte) 5).put((byte) (2 + 4 * blocks.length));
        for (int x : blocks) b.putInt(base + x);
        return b.array();
    }

    /** Injects {@code frame} and takes every segment the host sends in answer within {@link #QUIET}. */
    private int injectAndDrain(byte[] frame) throws InterruptedException {
        peer.inject(frame);
        h.quiesce();
        h.quiesce();
        int n = 0;
        while (peer.next(QUIET) != null) n++;
        return n;
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void sackFloodFromATinyMssPeerIsBounded(LockMode mode) throws Exception {
        host(mode, 65536);
        h.sysctl("net.inet.tcp.sack.maxholes", 8);
        // An MSS of 1 is raised to net.inet.tcp.minmss (216); SACK permitted.
        TcpSocket s = handshake(new byte[] {2, 4, 0, 1, 4, 2, 1, 1});
        assertEquals(216, s.info().sndMss());
        int una = iss + 1;
        assertEquals(2160, s.write(new byte[2160]));
        for (int i = 0; i < 10; i++) { // the initial window: ten segments of 216 bytes
            RawPeer.Seg d = RawPeer.seg(peer.next(WAIT));
            assertEquals(una + 216 * i, d.seq());
            assertEquals(216, d.dataLength());
        }
        snapshot();

        // Blocks below SND.UNA, beyond SND.MAX, empty and inverted are ignored (tcp_sack_doack).
        injectAndDrain(peer.frame(peer.tcp(PORT, 80, 1001, una, ACK, 65535, 5 + 5,
                sack(una, -100, -50, 2160, 2170, 8, 8, 20, 10), NONE)));
        assertEquals(0, tcpDelta(TcpStat.SACK_SBOVERFLOW));
        // One-byte blocks at every other byte: eight ranges are kept (net.inet.tcp.sack.maxholes), each block
        // beyond them is ignored and counted as tcps_sack_sboverflow.
        for (int a = 0; a < 4; a++) {
            int[] blocks = new int[8];
            for (int k = 0; k < 4; k++) {
                blocks[2 * k] = 2 + 2 * (4 * a + k);
                blocks[2 * k + 1] = blocks[2 * k] + 1;
            }
            injectAndDrain(peer.frame(peer.tcp(PORT, 80, 1001, una, ACK, 65535, 5 + 9, sack(una, blocks), NONE)));
        }
        assertEquals(8, tcpDelta(TcpStat.SACK_SBOVERFLOW));
        assertEquals(0, tcpDelta(TcpStat.RCVACKTOOMUCH));
        // Overlapping blocks merge with each other and with the ranges kept: one range is left, so a new one
        // fits again.
        injectAndDrain(peer.frame(peer.tcp(PORT, 80, 1001, una, ACK, 65535, 5 + 5, sack(una, 1, 20, 15, 30), NONE)));
        injectAndDrain(peer.frame(peer.tcp(PORT, 80, 1001, una, ACK, 65535, 5 + 3, sack(una, 1000, 1001), NONE)));
        assertEquals(8, tcpDelta(TcpStat.SACK_SBOVERFLOW));
        // A SACK option claiming five blocks (42 bytes) runs past the 40 option bytes: the walk stops there
        // (tcp_dooptions), no block is taken, and the ACK is processed.
        byte[] five = new byte[40];
        System.arraycopy(sack(una, 1, 2, 3, 4, 5, 6, 7, 8), 0, five, 0, 36);
        five[3] = 42;
        injectAndDrain(peer.frame(peer.tcp(PORT, 80, 1001, una, ACK, 65535, 15, five, NONE)));
        assertEquals(8, tcpDelta(TcpStat.SACK_SBOVERFLOW));

        // Everything acked at last: the connection carries on, nothing more to send.
        injectAndDrain(segment(1001, una + 2160, ACK, NONE));
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(una + 2160, (int) s.info().sndUna());
        abortAndCheck(s);
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void lyingSynOptionsAreIgnoredOrClamped(LockMode mode) throws Exception {
        host(mode, 65536);
        // MSS 1000 then MSS 500 (the last one counts, as tcp_dooptions overwrites), a timestamp option of
        // length 8 (skipped: TCPOLEN_TIMESTAMP is 10), a window scale of 15 (14, RFC 7323 2.3), SACK permitted.
        byte[] opts = {2, 4, 0x03, (byte) 0xe8, 2, 4, 0x01, (byte) 0xf4, 8, 8, 0, 0, 0, 1, 0, 0, 1, 3, 3, 15,
                4, 2, 1, 1};
        TcpSocket s = handshake(opts);
        assertEquals(500, s.info().sndMss());
        assertEquals(14, s.info().sndWscale());
        assertEquals(TcpInfo.OPT_SACK | TcpInfo.OPT_WSCALE, s.info().options());
        // A SACK-permitted option and a window scale on a data segment are ignored; the data is taken.
        ackOf(peer.frame(peer.tcp(PORT, 80, 1001, iss + 1, ACK | PSH, 4, 7, new byte[] {4, 2, 3, 3, 0, 1, 1, 1},
                "data".getBytes())), 1005);
        assertArrayEquals("data".getBytes(), OutsideTcpTest.readExactly(s, 4));
        // The peer's window of 4 is 4 << 14 bytes: the host sends 1500 bytes as three segments of its MSS.
        assertEquals(1500, s.write(new byte[1500]));
        for (int i = 0; i < 3; i++) assertEquals(500, RawPeer.seg(peer.next(WAIT)).dataLength());
        abortAndCheck(s);
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void synFloodOverflowsTheSynCacheIntoCookies(LockMode mode) throws Exception {
        // A SYN cache of 4 buckets of 2 entries (boot-time tunables): the first SYN that finds its bucket full
        // evicts the oldest entry there and pauses the cache (syncache_pause, 16 s); from then on each SYN is
        // answered with a SYN cookie and nothing is kept.
        host(mode, 65536, "net.inet.tcp.syncache.hashsize=4", "net.inet.tcp.syncache.bucketlimit=2");
        long mbufs = h.allocator().outstanding();
        snapshot();
        int[] cookie = new int[200];
        for (int i = 0; i < 200; i++) {
            RawPeer.Seg synAck = answer(peer.frame(peer.tcp(20000 + i, 80, 5000 + i, 0, SYN, 65535, 6,
                    new byte[] {2, 4, 0x05, (byte) 0xb4}, NONE)));
            assertNotNull(synAck, "SYN " + i + " answered");
            assertEquals(SYN | ACK, synAck.flags());
            assertEquals(5001 + i, synAck.ack());
            cookie[i] = synAck.seq();
        }
        assertEquals(200, tcpDelta(TcpStat.SC_SENDCOOKIE), "every SYN-ACK's ISN is a cookie");
        assertEquals(1, tcpDelta(TcpStat.SC_BUCKETOVERFLOW), "one overflow: the pause that followed it");
        assertEquals(tcpDelta(TcpStat.SC_ADDED) - 1, h.tcpResources().syncacheEntries(), "the evicted entry is gone");
        assertTrue(h.tcpResources().syncacheEntries() <= 8, "bounded by hashsize * bucketlimit");
        assertEquals(0, h.allocator().outstanding() - mbufs, "a SYN cache entry holds no mbuf");

        // A late SYN's cookie, echoed, makes the connection without any entry (syncookie_lookup).
        assertNull(answer(peer.frame(peer.tcp(20150, 80, 5151, cookie[150] + 1, ACK, NONE))));
        assertEquals(1, tcpDelta(TcpStat.SC_RECVCOOKIE));
        TcpSocket s = lis.accept().setReceiveTimeout(WAIT);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(1460, s.info().sndMss(), "the cookie kept the MSS");
        // A forged ACK (no SYN-ACK had that ISN) is a bad cookie: a RST, and no connection.
        RawPeer.Seg rst = answer(peer.frame(peer.tcp(30000, 80, 9001, 0x12345678, ACK, NONE)));
        assertNotNull(rst, "a RST for the forged cookie");
        assertEquals(RST, rst.flags() & RST);
        assertEquals(1, tcpDelta(TcpStat.SC_RECVCOOKIE));
        abortAndCheck(s);
    }
}
