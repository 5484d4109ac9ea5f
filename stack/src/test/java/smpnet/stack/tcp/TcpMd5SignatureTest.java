package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufStats;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * TCP MD5 signatures (RFC 2385, TCP_MD5SIG) between two hosts with keys for both directions: the SYN carries
 * FreeBSD's options with the signature last, {@code <mss,nop,wscale,sackOK,TS,nop,nop,md5>} (40 bytes), its
 * digest what MD5 over the pseudo-header, the bare header, the data and the key gives, computed here
 * independently; every segment either host receives is verified (tcps_sig_rcvgoodsig). A host with another
 * key drops every SYN (tcps_sig_rcvbadsig), one without TCP_MD5SIG is not answered (its SYNs have no
 * signature: tcps_sig_err_nosigopt), and a connection without a key for its addresses sends nothing
 * (tcps_sig_err_buildsig). No mbuf stays in use.
 */
@ExtendWith(WitnessExtension.class)
class TcpMd5SignatureTest {
    private static final int ETHER = 14;
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void everySegmentIsSignedAndVerified(LockMode mode) throws Exception {
        List<byte[]> fromA = Collections.synchronizedList(new ArrayList<>());
        byte[] up = TcpTwoHostsTest.pattern(20_000, 3);
        byte[] down = TcpTwoHostsTest.pattern(3_000, 4);
        TcpSim.Result r = TcpSim.runLinked(23, mode, 1, 4096, TcpSim.recordingWire(fromA, TcpMd5SignatureTest::isTcp), (a, b, na, nb) -> {
            for (Stack h : new Stack[] {a, b}) {
                h.tcpMd5Keys().add(ip("10.0.0.1"), ip("10.0.0.2"), KEY);
                h.tcpMd5Keys().add(ip("10.0.0.2"), ip("10.0.0.1"), KEY);
                assertEquals(2, h.tcpMd5Keys().size());
                assertThrows(IllegalArgumentException.class, () -> h.tcpMd5Keys().add(ip("10.0.0.1"), ip("10.0.0.3"), new byte[0]));
                assertThrows(IllegalArgumentException.class, () -> h.tcpMd5Keys().add(ip("10.0.0.1"), ip("10.0.0.3"), new byte[81]));
                assertTrue(!h.tcpMd5Keys().remove(ip("10.0.0.1"), ip("10.0.0.3")), "no key was added for a bad length");
            }
            TcpSocket lis = b.openTcp();
            lis.setOption(SockOpt.TCP_MD5SIG, 1);
            lis.bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            TcpSocket c = a.openTcp();
            c.setOption(SockOpt.TCP_MD5SIG, 1);
            assertEquals(1, c.getOption(SockOpt.TCP_MD5SIG));
            c.connect(new InetSocketAddress("10.0.0.2", 5001));
            TcpSocket s = lis.accept();
            assertEquals(1, s.getOption(SockOpt.TCP_MD5SIG), "a listener's connection signs as it does");
            assertEquals(up.length, c.write(up));
            assertArrayEquals(up, TcpSim.readExactly(s, up.length));
            assertEquals(down.length, s.write(down));
            assertArrayEquals(down, TcpSim.readExactly(c, down.length));
            c.close();
            s.close();
            lis.close();
            TcpSim.sleep(61_000); // TIME_WAIT ends
        });
        byte[] syn = null;
        for (byte[] f : fromA) {
            if ((f[ETHER + 20 + 13] & 0x12) == 0x02) {
                syn = f;
                break;
            }
        }
        assertNotNull(syn, "a SYN");
        int tcp = ETHER + 20;
        assertEquals(20 + 20 + 40, u16(syn, ETHER + 2), "IP total length: a full 40 bytes of options");
        assertEquals(15 << 4, syn[tcp + 12] & 0xFF, "a 60-byte header");
        byte[] opts = Arrays.copyOfRange(syn, tcp + 20, tcp + 60);
        byte[] want = {2, 4, 5, (byte) 0xb4, 1, 3, 3, 6, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 19, 18};
        System.arraycopy(opts, 12, want, 12, 4); // TS val: the host's clock
        assertArrayEquals(want, Arrays.copyOf(opts, 24), "mss 1460,nop,wscale 6,sackOK,TS val V ecr 0,nop,nop,md5");
        assertArrayEquals(digest(syn, tcp, 60, "10.0.0.1", "10.0.0.2"), Arrays.copyOfRange(opts, 24, 40),
                "MD5(pseudo-header, header with checksum 0, no data, key)");
        for (byte[] f : fromA) { // every segment a sent: its last 16 option bytes are the right digest here
            int off = (f[tcp + 12] >> 4 & 0xF) * 4;
            int len = u16(f, ETHER + 2) - 20;
            assertEquals(19, f[tcp + off - 18] & 0xFF, "the signature option ends the options");
            assertArrayEquals(digest(f, tcp, len, "10.0.0.1", "10.0.0.2"), Arrays.copyOfRange(f, tcp + off - 16, tcp + off));
        }
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            long received = h.tcpStats().get(TcpStat.RCVTOTAL);
            assertTrue(received > 10, h.name() + " received " + received);
            assertEquals(received, h.tcpStats().get(TcpStat.SIG_RCVGOODSIG), h.name() + ": every segment verified");
            for (TcpStat t : new TcpStat[] {TcpStat.SIG_RCVBADSIG, TcpStat.SIG_ERR_BUILDSIG, TcpStat.SIG_ERR_SIGOPT,
                    TcpStat.SIG_ERR_NOSIGOPT}) {
                assertEquals(0, h.tcpStats().get(t), h.name() + " " + t);
            }
            MbufStats m = h.allocator().stats();
            assertEquals(0, m.mbufs().inUse(), m.toString());
            assertEquals(0, m.clusters().inUse(), m.toString());
        }
        assertEquals(fromA.size(), r.b().tcpStats().get(TcpStat.SIG_RCVGOODSIG), "each of a's segments verified by b");
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void wrongMissingAndUnkeyedSignaturesAreCountedAndNothingConnects(LockMode mode) throws Exception {
        List<byte[]> fromA = Collections.synchronizedList(new ArrayList<>());
        TcpSim.Result r = TcpSim.runLinked(29, mode, 1, 4096, TcpSim.recordingWire(fromA, TcpMd5SignatureTest::isTcp), (a, b, na, nb) -> {
            a.tcpMd5Keys().add(ip("10.0.0.1"), ip("10.0.0.2"), "other".getBytes(StandardCharsets.US_ASCII));
            b.tcpMd5Keys().add(ip("10.0.0.1"), ip("10.0.0.2"), KEY);
            TcpSocket lis = b.openTcp();
            lis.setOption(SockOpt.TCP_MD5SIG, 1);
            lis.bind(new InetSocketAddress("10.0.0.2", 5001)).listen(1);
            // a's key is not b's: every SYN is dropped as badly signed
            TcpSocket wrong = a.openTcp();
            wrong.setOption(SockOpt.TCP_MD5SIG, 1);
            wrong.setOption(SockOpt.TCP_KEEPINIT, 4);
            SocketError e = assertThrows(SocketError.class, () -> wrong.connect(new InetSocketAddress("10.0.0.2", 5001)));
            assertEquals(Errno.ETIMEDOUT, e.errno());
            long synsWrong = fromA.size();
            assertTrue(synsWrong >= 2, "the SYN and its retransmissions: " + synsWrong);
            assertEquals(synsWrong, b.tcpStats().get(TcpStat.SIG_RCVBADSIG));
            // no TCP_MD5SIG: the SYNs carry no signature
            TcpSocket plain = a.openTcp();
            plain.setOption(SockOpt.TCP_KEEPINIT, 4);
            e = assertThrows(SocketError.class, () -> plain.connect(new InetSocketAddress("10.0.0.2", 5001)));
            assertEquals(Errno.ETIMEDOUT, e.errno());
            assertEquals(fromA.size() - synsWrong, b.tcpStats().get(TcpStat.SIG_ERR_NOSIGOPT));
            // no key for the pair: nothing is sent at all
            a.tcpMd5Keys().flush();
            assertEquals(0, a.tcpMd5Keys().size());
            int before = fromA.size();
            TcpSocket unkeyed = a.openTcp();
            unkeyed.setOption(SockOpt.TCP_MD5SIG, 1);
            unkeyed.setOption(SockOpt.TCP_KEEPINIT, 4);
            e = assertThrows(SocketError.class, () -> unkeyed.connect(new InetSocketAddress("10.0.0.2", 5001)));
            assertEquals(Errno.ETIMEDOUT, e.errno());
            assertEquals(before, fromA.size(), "no segment without its signature");
            assertTrue(a.tcpStats().get(TcpStat.SIG_ERR_BUILDSIG) >= 2, a.tcpStats().toString());
            lis.close();
            wrong.close();
            plain.close();
            unkeyed.close();
        });
        assertEquals(0, r.b().tcpStats().get(TcpStat.SIG_RCVGOODSIG));
        assertEquals(0, r.b().tcpStats().get(TcpStat.SC_ADDED), "no SYN made an entry");
        assertEquals(r.b().tcpStats().get(TcpStat.RCVTOTAL),
                r.b().tcpStats().get(TcpStat.SIG_RCVBADSIG) + r.b().tcpStats().get(TcpStat.SIG_ERR_NOSIGOPT));
        assertEquals(0, r.b().tcpStats().get(TcpStat.SNDTOTAL), "b answered nothing");
        for (Stack h : new Stack[] {r.a(), r.b()}) {
            MbufStats m = h.allocator().stats();
            assertEquals(0, m.mbufs().inUse(), m.toString());
            assertEquals(0, m.clusters().inUse(), m.toString());
        }
    }

    /** RFC 2385's digest of the {@code len}-byte TCP segment at {@code tcp} of frame {@code f}, with {@link #KEY}. */
    private static byte[] digest(byte[] f, int tcp, int len, String src, String dst) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update(ip(src).getAddress());
        md.update(ip(dst).getAddress());
        md.update(new byte[] {0, 6, (byte) (len >> 8), (byte) len});
        byte[] h = Arrays.copyOfRange(f, tcp, tcp + 20);
        h[16] = 0;
        h[17] = 0;
        md.update(h);
        int off = (f[tcp + 12] >> 4 & 0xF) * 4;
        md.update(f, tcp + off, len - off);
        md.update(KEY);
        return md.digest();
    }

    private static Inet4Address ip(String s) throws Exception { return (Inet4Address) InetAddress.getByName(s); }

    private static int u16(byte[] b, int off) { return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF); }

    /** Whether frame {@code b} is an IPv4 TCP segment (the frames of a's that the tests look at). */
    private static boolean isTcp(byte[] b) {
        return b.length > ETHER + 40 && (b[12] & 0xFF) == 0x08 && b[13] == 0 && b[ETHER + 9] == 6;
    }
}
