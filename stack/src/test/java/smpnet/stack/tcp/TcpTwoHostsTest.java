package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/** Two hosts on a wire, free-running threads: handshake, data both ways, half-close, TIME_WAIT, in every mode. */
@ExtendWith(WitnessExtension.class)
class TcpTwoHostsTest {
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed + (i >>> 8));
        return b;
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void transferAndHalfClose(LockMode mode) throws Exception {
        Stack a = Stack.create(StackConfig.defaults("a").withMode(mode));
        Stack b = Stack.create(StackConfig.defaults("b").withMode(mode));
        try {
            byte[] up = pattern(200_000, 1);
            byte[] down = pattern(70_000, 2);
            TcpSocket[] pair = connected(a, b);
            TcpSocket c = pair[0], s = pair[1], lis = pair[2];
            assertEquals(TcpState.ESTABLISHED, c.state());
            assertEquals(new InetSocketAddress("10.0.0.1", c.localAddress().getPort()), s.remoteAddress());
            Thread writer = new Thread(() -> {
                try {
                    assertEquals(up.length, c.write(up));
                    c.shutdown(false, true);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            writer.start();
            byte[] got = readAll(s, up.length);
            assertArrayEquals(up, got);
            writer.join();
            assertEquals(TcpState.CLOSE_WAIT, s.state());
            assertEquals(down.length, s.write(down));
            s.close();
            assertArrayEquals(down, readAll(c, down.length));
            assertEquals(TcpState.TIME_WAIT, c.state());
            c.close();
            lis.close();
            for (int i = 0; i < 3; i++) {
                a.quiesce();
                b.quiesce();
            }
            assertEquals(1, a.tcpStats().get(TcpStat.CONNATTEMPT));
            assertEquals(1, a.tcpStats().get(TcpStat.CONNECTS));
            assertEquals(1, b.tcpStats().get(TcpStat.ACCEPTS));
            assertEquals(1, b.tcpStats().get(TcpStat.CONNECTS));
            assertEquals(up.length, b.tcpStats().get(TcpStat.RCVBYTE));
            assertEquals(up.length, a.tcpStats().get(TcpStat.SNDBYTE));
            assertEquals(down.length, a.tcpStats().get(TcpStat.RCVBYTE));
            // The wire loses nothing, so no segment is retransmitted for loss (no fast retransmit, no SACK
            // recovery). The test runs on the real clock, though: a thread starved past the RTO on a loaded
            // machine makes a spurious timeout, and only then may a segment go twice.
            long rexmit = a.tcpStats().get(TcpStat.SNDREXMITPACK) + b.tcpStats().get(TcpStat.SNDREXMITPACK);
            long timeouts = a.tcpStats().get(TcpStat.REXMTTIMEO) + b.tcpStats().get(TcpStat.REXMTTIMEO);
            assertTrue(rexmit == 0 || timeouts > 0, rexmit + " segments retransmitted without a retransmit timeout on a lossless wire");
            // tcp_close counts the listener too, as FreeBSD's tcps_closed does
            assertEquals(2, b.tcpStats().get(TcpStat.CLOSED), b.tcpStats().nonZero());
            assertEquals(new Stack.TcpResources(0, 0, 0, 0), b.tcpResources());
            assertEquals(new Stack.TcpResources(1, 1, 1, 0), a.tcpResources(), "a's TIME_WAIT and its 2MSL timer");
        } finally {
            a.close();
            b.close();
        }
        assertEquals(new Stack.TcpResources(0, 0, 0, 0), a.tcpResources());
    }

    /**
     * Wires {@code a} (10.0.0.1) to {@code b} (10.0.0.2), starts both and connects a to b's port 80: the client,
     * the accepted socket and the listener, each reading with a timeout of 20 s.
     */
    static TcpSocket[] connected(Stack a, Stack b) throws Exception {
        SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1));
        Wire.connect(na, nb);
        a.start();
        b.start();
        TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 80)).listen(5);
        lis.setReceiveTimeout(Duration.ofSeconds(20));
        TcpSocket c = a.openTcp().setReceiveTimeout(Duration.ofSeconds(20));
        c.connect(new InetSocketAddress("10.0.0.2", 80));
        TcpSocket s = lis.accept().setReceiveTimeout(Duration.ofSeconds(20));
        return new TcpSocket[] {c, s, lis};
    }

    /** Reads until end of stream, expecting {@code n} bytes. */
    static byte[] readAll(TcpSocket s, int n) throws Exception {
        byte[] got = new byte[n];
        byte[] buf = new byte[8192];
        int at = 0;
        while (true) {
            int r = s.read(buf, 0, buf.length);
            if (r < 0) break;
            if (at + r > n) throw new AssertionError("more than " + n + " bytes");
            System.arraycopy(buf, 0, got, at, r);
            at += r;
        }
        assertEquals(n, at);
        return got;
    }
}
