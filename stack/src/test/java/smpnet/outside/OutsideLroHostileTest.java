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
 * once by TCP (tcps_rcvbadsum), the duplicates as TCP counts them without LRO, and no mbuf is left.
 */
class OutsideLroHostileTest extends HostilePeerTestBase {
    private static final int PORT = 40001;
    private static final byte[] NONE = new byte[0];

    private static byte[] stream(int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = from; i < to; i++) b[i - from] = (byte) (i * 7 + (i >> 8));
        return b;
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aBurstOfBadDuplicateAndOverlappingSegmentsIsMergedOnlyWhereItMay(LockMode mode) throws Exception {
        h = Stack.create(StackConfig.defaults("victim").withMode(mode));
        SimNic nic = h.addNic("em0", "10.0.0.1/24", NicConfig.of(1).withLro(true));
        peer = new RawPeer(nic, "10.0.0.1", "10.0.0.9");
        h.start();
        h.sysctl("net.inet.tcp.delayed_ack", 0);
        TcpSocket lis = h.openTcp().setReceiveTimeout(WAIT).bind(new InetSocketAddress("10.0.0.1", 80)).listen(4);
        RawPeer.Seg synAck = reply(peer.frame(peer.tcp(PORT, 80, 1000, 0, SYN, NONE)));
        assertNotNull(synAck, "a SYN-ACK");
        int ack = synAck.seq() + 1;
        reply(peer.frame(peer.tcp(PORT, 80, 1001, ack, ACK, NONE)));
        TcpSocket s = lis.accept().setReceiveTimeout(WAIT);
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
        assertArrayEquals(stream(1001, 1351), OutsideTcpTest.readExactly(s, 350));
        assertEquals(-1, s.read(new byte[1]), "the FIN, after every byte");
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

        s.setOption(SockOpt.SO_LINGER, 0);
        s.close();
        lis.close();
        while (peer.next(QUIET) != null) { } // the ACKs and the RST are of no interest here
        assertHostClean();
    }
}
