package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.testing.Frames;
import smpnet.witness.junit.WitnessExtension;

/**
 * A forged segment that puts two hosts out of step: bytes "from" a (its address, port and next sequence
 * number) that a never sent reach b, which takes them. b acknowledges them; a sees an ACK of data it never
 * sent and answers with an ACK of its own state; b sees that ACK's sequence number, 8 below what it expects, as
 * a wholly duplicate segment and answers with an ACK again, and so on: FreeBSD's default stack would trade
 * these ACKs without end, as fast as the link goes. smpnet limits the ACKs that answer a segment out of step
 * (after a drop, or for a wholly duplicate segment) to net.inet.tcp.ack_war_cnt per ack_war_timewindow and
 * connection (5 per second), as FreeBSD's RACK and BBR stacks do. Virtual time: the exchange takes
 * milliseconds, far inside one window, so the counts are exact.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpAckWarTest {
    private static final int A = Ipv4Header.parseAddress("10.0.0.1");
    private static final int B = Ipv4Header.parseAddress("10.0.0.2");

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void hostsPutOutOfStepByAForgedSegmentTradeABoundedNumberOfAcks(LockMode mode) {
        TcpSim.Result r = TcpSim.runWithNics(11, mode, TcpSim.CLEAN, (a, b, na, nb) -> {
            for (Stack s : new Stack[] {a, b}) s.sysctl("net.inet.tcp.rfc1323", 0); // forged without timestamps
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSocket c = a.openTcp().setReceiveTimeout(Duration.ofSeconds(5));
            c.connect(new InetSocketAddress("10.0.0.2", 5001));
            TcpSocket s = lis.accept().setReceiveTimeout(Duration.ofSeconds(5));
            c.write("hello".getBytes());
            assertArrayEquals("hello".getBytes(), readExactly(s, 5));
            TcpSim.sleep(500); // every ACK has arrived: the counters below start from a quiet connection
            long aTooMuch = a.tcpStats().get(TcpStat.RCVACKTOOMUCH);
            long bDup = b.tcpStats().get(TcpStat.RCVDUPPACK);
            long aSent = a.tcpStats().get(TcpStat.SNDTOTAL);
            long bSent = b.tcpStats().get(TcpStat.SNDTOTAL);

            TcpInfo ci = c.info();
            byte[] forged = "injected".getBytes();
            byte[] seg = Frames.tcp(A, B, c.localAddress().getPort(), 5001, (int) ci.sndNxt(), (int) ci.rcvNxt(),
                    TcpHeader.ACK | TcpHeader.PSH, 65535, forged);
            byte[] frame = Frames.ether(nb.mac().bits(), na.mac().bits(), EthernetHeader.TYPE_IPV4,
                    Frames.ipv4(A, B, Ipv4Header.PROTO_TCP, 64, 0, 7, seg));
            nb.receive(b.allocator().fromBytes(frame, 0, frame.length, Mbuf.M_WAIT));
            assertArrayEquals(forged, readExactly(s, forged.length)); // b took the forged bytes
            TcpSim.sleep(300);

            // b's ACK of the forged bytes, then five rounds: a answers an ACK of what it never sent (5 allowed),
            // b a wholly duplicate segment (5 allowed); a's sixth is dropped unanswered, and the exchange stops.
            assertEquals(6, a.tcpStats().get(TcpStat.RCVACKTOOMUCH) - aTooMuch, a.tcpStats().nonZero());
            assertEquals(5, b.tcpStats().get(TcpStat.RCVDUPPACK) - bDup, b.tcpStats().nonZero());
            assertEquals(5, a.tcpStats().get(TcpStat.SNDTOTAL) - aSent, "a's ACKs");
            assertEquals(6, b.tcpStats().get(TcpStat.SNDTOTAL) - bSent, "b's ACKs");
            long quiet = a.tcpStats().get(TcpStat.SNDTOTAL) + b.tcpStats().get(TcpStat.SNDTOTAL);
            TcpSim.sleep(3_000); // windows end, but nothing starts the exchange again
            assertEquals(quiet, a.tcpStats().get(TcpStat.SNDTOTAL) + b.tcpStats().get(TcpStat.SNDTOTAL));

            for (TcpSocket t : Arrays.asList(c, s)) {
                t.setOption(SockOpt.SO_LINGER, 0);
                t.close();
            }
            lis.close();
        });
        assertEquals(0, r.a().allocator().outstanding());
        assertEquals(0, r.b().allocator().outstanding());
    }

    /** Reads exactly {@code n} bytes (the connection stays open). */
    private static byte[] readExactly(TcpSocket s, int n) throws Exception {
        byte[] got = new byte[n];
        for (int at = 0; at < n; ) {
            int k = s.read(got, at, n - at);
            if (k < 0) throw new AssertionError("end of stream after " + at + " of " + n + " bytes");
            at += k;
        }
        return got;
    }
}
