package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static smpnet.outside.RawPeer.ACK;
import static smpnet.outside.RawPeer.FIN;
import static smpnet.outside.RawPeer.PSH;
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
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;

/**
 * A peer made of bytes sends a host whose NIC does large receive offload a burst that LRO must not merge
 * blindly: a segment with a bad checksum, its good retransmission, one overlapping it, a wholly duplicate
 * one and a FIN. However the burst falls into the RX queue's batches, the stream the socket reads is exactly
 * the bytes once, in order, then the FIN; the bad segment is counted once by LRO ({@code badChecksum}) and
 * once by TCP (tcps_rcvbadsum), the duplicates as TCP counts them without LRO, and no mbuf is left. A segment
 * whose timestamp goes back is never merged into its predecessor's packet, so PAWS drops it as it would
 * without LRO.
 */
class OutsideLroHostileTest extends HostilePeerTestBase {
    private static final int PORT = 40001;
    private static final byte[] NONE = new byte[0];
    private SimNic nic;

    private static byte[] stream(int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = from; i < to; i++) b[i - from] = (byte) (i * 7 + (i >> 8));
        return b;
    }

    private int ack;

    /**
     * A host whose NIC does LRO, listening on port 80, and a connection from the peer's ISN 1000 with SYN
     * options {@code synOptions}: {listener, accepted socket}.
     */
    private TcpSocket[] connect(LockMode mode, byte[] synOptions) throws Exception {
        h = Stack.create(StackConfig.defaults("victim").withMode(mode));
        nic = h.addNic("em0", "10.0.0.1/24", NicConfig.of(1).withLro(true));
        peer = new RawPeer(nic, "10.0.0.1", "10.0.0.9");
        h.start();
        h.sysctl("net.inet.tcp.delayed_ack", 0);
        TcpSocket lis = h.openTcp().setReceiveTimeout(WAIT).bind(new InetSocketAddress("10.0.0.1", 80)).listen(4);
        RawPeer.Seg synAck = reply(peer.frame(peer.tcp(PORT, 80, 1000, 0, SYN, 65535, 5 + synOptions.length / 4,
                synOptions, NONE)));
        assertNotNull(synAck, "a SYN-ACK");
        ack = synAck.seq() + 1;
        reply(peer.frame(peer.tcp(PORT, 80, 1001, ack, ACK, NONE)));
        return new TcpSocket[] {lis, lis.accept().setReceiveTimeout(WAIT)};
    }

    /** Reads exactly the stream's bytes {@code [from, to)}, then the FIN. */
    private static void assertStream(TcpSocket s, int from, int to) throws Exception {
        assertArrayEquals(stream(from, to), OutsideTcpTest.readExactly(s, to - from));
        assertEquals(-1, s.read(new byte[1]), "the FIN, after every byte");
    }

    /** Aborts the connection, and checks the host is left with nothing. */
    private void abortAndCheck(TcpSocket lis, TcpSocket s) throws Exception {
        s.setOption(SockOpt.SO_LINGER, 0);
        s.close();
        lis.close();
        while (peer.next(QUIET) != null) { } // the ACKs and the RST are of no interest here
        assertHostClean();
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aBurstOfBadDuplicateAndOverlappingSegmentsIsMergedOnlyWhereItMay(LockMode mode) throws Exception {
        TcpSocket[] ls = connect(mode, NONE);
        TcpSocket lis = ls[0];
        TcpSocket s = ls[1];
        snapshot();

        byte[] bad = peer.frame(peer.tcp(PORT, 80, 1101, ack, ACK, stream(1101, 1201)));
        bad[bad.length - 1] ^= 0x5a; // after the checksum was computed
        byte[][] burst = {
            peer.frame(peer.tcp(PORT, 80, 1001, ack, ACK, stream(1001, 1101))),
            bad,
            peer.frame(peer.tcp(PORT, 80, 1101, ack, ACK, stream(1101, 1201))), // the good retransmission
            peer.frame(peer.tcp(PORT, 80, 1151, ack, ACK | PSH, stream(1151, 1251))), // 50 bytes old, 50 new
            peer.frame(peer.tcp(PORT, 80, 1001, ack, ACK, stream(1001, 1101))), // wholly duplicate
            peer.frame(peer.tcp(PORT, 80, 1251, ack, ACK | FIN, stream(1251, 1351))),
        };
        for (byte[] f : burst) peer.inject(f); // no pause: the ithread takes them in whatever batches it finds
        assertStream(s, 1001, 1351);
        h.quiesce();

        SimNic.LroCounters lro = nic.lroCounters();
        assertEquals(1, lro.badChecksum(), lro.toString());
        assertEquals(lro.queued(), lro.flushed() + lro.merged(), lro.toString());
        assertEquals(1, tcpDelta(TcpStat.RCVBADSUM));
        assertEquals(350, tcpDelta(TcpStat.RCVBYTE), "each byte counted once in sequence");
        assertEquals(1, tcpDelta(TcpStat.RCVDUPPACK));
        assertEquals(100, tcpDelta(TcpStat.RCVDUPBYTE));
        assertEquals(1, tcpDelta(TcpStat.RCVPARTDUPPACK));
        assertEquals(50, tcpDelta(TcpStat.RCVPARTDUPBYTE), "FreeBSD's tcps_rcvpartdupbyte, apart from rcvdupbyte");
        assertEquals(6, tcpDelta(TcpStat.RCVTOTAL) + lro.merged(), "each segment once, a merged packet once");

        abortAndCheck(lis, s);
    }

    /** NOP, NOP, timestamps {@code tsval} and echo 0. */
    private static byte[] ts(int tsval) {
        return new byte[] {1, 1, 8, 10, (byte) (tsval >> 24), (byte) (tsval >> 16), (byte) (tsval >> 8), (byte) tsval,
            0, 0, 0, 0};
    }

    private byte[] segment(int seq, int flags, int tsval, int from, int to) {
        return peer.frame(peer.tcp(PORT, 80, seq, ack, flags, 65535, 8, ts(tsval), stream(from, to)));
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aSegmentWhoseTimestampGoesBackIsNotMergedButDroppedByPaws(LockMode mode) throws Exception {
        TcpSocket[] ls = connect(mode, ts(100));
        TcpSocket s = ls[1];
        snapshot();
        byte[][] burst = {
            segment(1001, ACK, 200, 1001, 1101),
            segment(1101, ACK, 150, 1101, 1201), // older than ts_recent (200): RFC 7323 5.3, an old duplicate
            segment(1101, ACK, 201, 1101, 1201),
            segment(1201, ACK | FIN, 202, 1201, 1301),
        };
        for (byte[] f : burst) peer.inject(f);
        assertStream(s, 1001, 1301);
        h.quiesce();
        assertEquals(1, tcpDelta(TcpStat.PAWSDROP), "the segment LRO must not merge is dropped as without LRO");
        assertEquals(1, tcpDelta(TcpStat.RCVDUPPACK));
        assertEquals(300, tcpDelta(TcpStat.RCVBYTE));
        SimNic.LroCounters lro = nic.lroCounters();
        assertEquals(lro.queued(), lro.flushed() + lro.merged(), lro.toString());
        assertEquals(4, tcpDelta(TcpStat.RCVTOTAL) + lro.merged(), "each segment once, a merged packet once");
        abortAndCheck(ls[0], s);
    }
}
