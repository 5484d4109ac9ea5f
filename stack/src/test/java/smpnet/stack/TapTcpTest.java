package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.dev.TapLink;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.testing.TapTests;
import smpnet.witness.junit.WitnessExtension;
import smpnet.witness.testing.RequiredTool;

/**
 * smpnet's TCP against Linux's over a TAP device: a Linux client's connection to a closed port gets a RST,
 * and smpnet's client sends 10 MB to a Linux {@code nc} listener byte-exact; each capture reads clean in
 * tshark. Skips or fails as {@link TapLinkTest} does where no TAP can be made.
 */
@ExtendWith(WitnessExtension.class)
class TapTcpTest {
    @TempDir Path dir;

    @BeforeAll
    static void requireTap() { TapTests.requireTap(); }

    @Test
    void aLinuxClientsConnectionToAClosedPortGetsARst() throws Exception {
        Path pcap = dir.resolve("rst.pcap");
        try (Hosts h = new Hosts()) {
            Stack s = h.host(StackConfig.defaults("s"));
            try (TapLink tap = TapLinkTest.onTap(h, s, "10.231.11", pcap)) {
                RequiredTool.Output o = RequiredTool.run(new ProcessBuilder(tap.inNamespace(
                        "nc", "-z", "-v", "-n", "-w", "2", "10.231.11.1", "81")), "netcat-openbsd", new byte[0]);
                assertEquals(1, o.exitStatus(), o.out() + o.err());
                assertTrue(o.err().contains("Connection refused"), o.err());
                h.settle();
            }
        }
        assertEquals("", TapTests.tcpProblems(pcap, "10.231.11.2"));
        assertEquals("10.231.11.2\t10.231.11.1\t81\t0x0002\n10.231.11.1\t10.231.11.2\t\t0x0014\n",
                Hosts.tsharkFields(pcap, "tcp", "ip.src", "ip.dst", "tcp.dstport", "tcp.flags")
                        .replaceAll("\t\\d+\t0x0014", "\t\t0x0014"), "Linux's SYN, smpnet's RST|ACK");
    }

    @Test
    void smpnetsClientSendsTenMegabytesToALinuxNcListener() throws Exception {
        Path pcap = dir.resolve("nc.pcap");
        byte[] data = new byte[10 * 1024 * 1024];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 131 + (i >>> 12));
        try (Hosts h = new Hosts()) {
            Stack s = h.host(StackConfig.defaults("s"));
            try (TapLink tap = TapLinkTest.onTap(h, s, "10.231.12", pcap)) {
                Process nc = new ProcessBuilder(tap.inNamespace("nc", "-l", "-n", "10.231.12.2", "5001")).start();
                nc.getOutputStream().close(); // nothing to send back; nc still reads the network to its end
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(nc.getInputStream()));
                try (TcpSocket c = connectWhenListening(s, new InetSocketAddress("10.231.12.2", 5001))) {
                    int off = 0;
                    while (off < data.length) off += c.write(data, off, Math.min(256 * 1024, data.length - off));
                    c.shutdown(false, true);
                }
                assertTrue(nc.waitFor(20, TimeUnit.SECONDS), "nc ends when smpnet closes");
                byte[] got = received.get(5, TimeUnit.SECONDS);
                assertEquals(data.length, got.length);
                assertArrayEquals(data, got);
                h.settle();
                assertEquals(data.length, s.tcpStats().get(TcpStat.SNDBYTE));
                // Toward Linux the link waits out a full TAP buffer, so nothing is lost there. Linux's ACKs may
                // overrun smpnet's receive ring in a burst (a NIC's drop, which TCP recovers from): counted, and
                // the bytes above are exact either way.
                assertEquals(0, tap.dropsOut(), "nothing lost from the NIC to the TAP (dropped toward smpnet: " + tap.dropsIn() + ")");
            }
        }
        assertEquals("", TapTests.tcpProblems(pcap, "10.231.12.2"));
    }

    /** Connects once nc listens (it starts in parallel): a refused attempt is retried for up to 5 s. */
    private static TcpSocket connectWhenListening(Stack s, InetSocketAddress to) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            TcpSocket c = s.openTcp().setReceiveTimeout(Duration.ofSeconds(20)).setSendTimeout(Duration.ofSeconds(20));
            try {
                c.connect(to);
                return c;
            } catch (SocketError e) {
                c.close();
                if (e.errno() != Errno.ECONNREFUSED || System.nanoTime() > deadline) throw e;
                Thread.sleep(20);
            }
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
