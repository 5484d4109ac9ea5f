package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.outside.RawPeer.ACK;
import static smpnet.outside.RawPeer.FIN;
import static smpnet.outside.RawPeer.PSH;
import static smpnet.outside.RawPeer.RST;
import static smpnet.outside.RawPeer.SYN;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.TcpStat;

/**
 * Hostile frames from outside, built byte by byte and injected through the public NIC: each is counted under
 * its FreeBSD tcpstat name (or IP's counter) and dropped, or handled exactly as FreeBSD handles it, while a
 * connection on the same host carries on. Nothing escapes a thread, every frame has one outcome, and once
 * the connection is gone the host holds no mbuf.
 */
class OutsideHostileTcpTest extends HostilePeerTestBase {
    private static final int PORT = 40000;

    /** Injects {@code frame} after a snapshot of the counters, and says what the host sent in answer. */
    private RawPeer.Seg answer(byte[] frame) throws InterruptedException {
        snapshot();
        return reply(frame);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"FINE", "GIANT"})
    void malformedAndOutOfWindowSegmentsAreCountedAndDropped(LockMode mode) throws Exception {
        h = Stack.create(StackConfig.defaults("victim").withMode(mode));
        SimNic nic = h.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        peer = new RawPeer(nic, "10.0.0.1", "10.0.0.9");
        h.start();
        h.sysctl("net.inet.tcp.delayed_ack", 0); // every segment is answered at once: one answer per frame
        h.sysctl("net.inet.tcp.recvbuf_auto", 0);
        h.sysctl("net.inet.tcp.recvspace", 2048); // a window the peer can fill: two whole segments of the MSS below
        TcpSocket lis = h.openTcp().setReceiveTimeout(WAIT).bind(new InetSocketAddress("10.0.0.1", 80)).listen(4);

        // The handshake, by hand: no options but an MSS of 1024, so that tcp_mss's rounding of the socket
        // buffers up to whole segments leaves the 2048-byte receive buffer as it is.
        byte[] mss = {2, 4, 0x04, 0x00};
        RawPeer.Seg synAck = answer(peer.frame(peer.tcp(PORT, 80, 1000, 0, SYN, 65535, 6, mss, new byte[0])));
        assertNotNull(synAck, "a SYN-ACK");
        assertEquals(SYN | ACK, synAck.flags());
        assertEquals(1001, synAck.ack());
        int iss = synAck.seq();
        assertNull(answer(peer.frame(peer.tcp(PORT, 80, 1001, iss + 1, ACK, new byte[0]))));
        TcpSocket s = lis.accept().setReceiveTimeout(WAIT);
        assertEquals(TcpState.ESTABLISHED, s.state());
        RawPeer.Seg ack = answer(peer.frame(peer.tcp(PORT, 80, 1001, iss + 1, ACK | PSH, "hello".getBytes())));
        assertEquals(1006, ack.ack());
        assertArrayEquals("hello".getBytes(), OutsideTcpTest.readExactly(s, 5));
        int seq = 1006;

        // Header offsets below 5 words and beyond the segment; a bad checksum.
        assertNull(answer(peer.frame(peer.tcp(PORT, 80, seq, iss + 1, ACK, 65535, 4, new byte[0], "x".getBytes()))));
        assertEquals(1, tcpDelta(TcpStat.RCVBADOFF));
        assertNull(answer(peer.frame(peer.withOffset(peer.tcp(PORT, 80, seq, iss + 1, ACK, new byte[4]), 15))));
        assertEquals(1, tcpDelta(TcpStat.RCVBADOFF));
        byte[] bad = peer.tcp(PORT, 80, seq, iss + 1, ACK, "x".getBytes());
        bad[17] ^= 0x55;
        assertNull(answer(peer.frame(bad)));
        assertEquals(1, tcpDelta(TcpStat.RCVBADSUM));
        // A TCP header cut short by the IP length.
        byte[] shortSeg = new byte[10];
        assertNull(answer(peer.ether(peer.ipv4(5, 30, 6, shortSeg))));
        assertEquals(1, tcpDelta(TcpStat.RCVSHORT));

        // Options whose lengths overrun the header (255, 40) are parsed as far as they go (tcp_dooptions
        // stops) and the segment is handled: its byte is data.
        byte[] overrun = {2, (byte) 255, 1, 1, 8, 40, 0, 0};
        ack = answer(peer.frame(peer.tcp(PORT, 80, seq, iss + 1, ACK, 65535, 7, overrun, "y".getBytes())));
        assertEquals(seq + 1, ack.ack());
        assertArrayEquals("y".getBytes(), OutsideTcpTest.readExactly(s, 1));
        seq++;

        // A RST outside the window is dropped without a word; one inside it but not at RCV.NXT gets a
        // challenge ACK (RFC 5961 3.2) and leaves the connection up.
        assertNull(answer(peer.frame(peer.tcp(PORT, 80, seq + 10_000_000, 0, RST, new byte[0]))));
        assertEquals(TcpState.ESTABLISHED, s.state());
        ack = answer(peer.frame(peer.tcp(PORT, 80, seq + 100, 0, RST, new byte[0])));
        assertNotNull(ack, "a challenge ACK");
        assertEquals(ACK, ack.flags());
        assertEquals(seq, ack.ack());
        assertEquals(1, tcpDelta(TcpStat.BADRST));
        assertEquals(1, tcpDelta(TcpStat.CHALLENGEACK));
        assertEquals(TcpState.ESTABLISHED, s.state());

        // A SYN-ACK to the listener belongs to no connection: a bad connection attempt, ignored without a RST
        // (FreeBSD's tcp_input: "SYN|ACK invalid, segment ignored").
        assertNull(answer(peer.frame(peer.tcp(PORT + 2, 80, 7000, 1234, SYN | ACK, new byte[0]))));
        assertEquals(1, tcpDelta(TcpStat.BADSYN));
        assertEquals(0, h.tcpResources().syncacheEntries());

        // SYN+FIN to the listener with net.inet.tcp.drop_synfin set: a bad connection attempt, no answer.
        h.sysctl("net.inet.tcp.drop_synfin", 1);
        assertNull(answer(peer.frame(peer.tcp(PORT + 1, 80, 5000, 0, SYN | FIN, new byte[0]))));
        assertEquals(1, tcpDelta(TcpStat.BADSYN));
        assertEquals(0, h.tcpResources().syncacheEntries());

        // Broken IPv4 headers (FreeBSD's ip_input: ips_toosmall, ips_badhlen, ips_badlen): 10 bytes of one;
        // a header length of 4 words; a 60-byte header in a 40-byte packet; a total length below the header's.
        Map<IpStat, Long> ipBefore = h.ipStats().snapshot();
        byte[] whole = peer.ipv4(5, 40, 6, peer.tcp(PORT, 80, seq, iss + 1, ACK, new byte[0]));
        assertNull(answer(peer.ether(Arrays.copyOf(whole, 10))));
        assertNull(answer(peer.ether(peer.ipv4(4, 40, 6, new byte[24]))));
        assertNull(answer(peer.ether(Arrays.copyOf(peer.ipv4(15, 60, 6, new byte[0]), 40))));
        assertNull(answer(peer.ether(peer.ipv4(15, 40, 6, new byte[0]))));
        assertEquals(1, h.ipStats().get(IpStat.TOO_SHORT) - ipBefore.get(IpStat.TOO_SHORT), h.ipStats().nonZero());
        assertEquals(2, h.ipStats().get(IpStat.BAD_HEADER_LENGTH) - ipBefore.get(IpStat.BAD_HEADER_LENGTH),
                h.ipStats().nonZero());
        assertEquals(1, h.ipStats().get(IpStat.BAD_LENGTH) - ipBefore.get(IpStat.BAD_LENGTH), h.ipStats().nonZero());

        // The window filled, then the peer's probe into the zero window (RFC 9293 3.8.6.1): its byte is
        // dropped and answered at once with the unchanged ACK and window.
        byte[] fill = new byte[2048];
        ack = answer(peer.frame(peer.tcp(PORT, 80, seq, iss + 1, ACK, fill)));
        assertEquals(seq + 2048, ack.ack());
        assertEquals(0, ack.window());
        seq += 2048;
        ack = answer(peer.frame(peer.tcp(PORT, 80, seq, iss + 1, ACK, "p".getBytes())));
        assertEquals(seq, ack.ack());
        assertEquals(0, ack.window());
        assertEquals(1, tcpDelta(TcpStat.RCVWINPROBE));
        assertEquals(0, tcpDelta(TcpStat.RCVBYTE));
        OutsideTcpTest.readExactly(s, 2048);
        RawPeer.Seg update = RawPeer.seg(peer.next(WAIT)); // the window opens: a window update
        assertEquals(seq, update.ack());
        assertEquals(2048, update.window());

        // A SYN from the host's own address and port to that very port (the "land" attack): ignored, as
        // FreeBSD's tcp_input ignores a connection attempt to or from itself.
        RawPeer self = peer.spoofing("10.0.0.1");
        assertNull(answer(self.frame(self.tcp(80, 80, 7000, 0, SYN, new byte[0]))));
        assertEquals(0, h.tcpResources().syncacheEntries());

        // The connection carried on through all of it.
        ack = answer(peer.frame(peer.tcp(PORT, 80, seq, iss + 1, ACK | PSH, "z".getBytes())));
        assertEquals(seq + 1, ack.ack());
        assertArrayEquals("z".getBytes(), OutsideTcpTest.readExactly(s, 1));

        s.setOption(SockOpt.SO_LINGER, 0);
        s.close();
        lis.close();
        RawPeer.Seg rst = RawPeer.seg(peer.next(WAIT));
        assertEquals(RST | ACK, rst.flags() & (RST | ACK));
        assertHostClean();
    }
}
