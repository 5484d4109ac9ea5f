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
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.TapLink;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
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
    static void requireTap() { TapLinkTest.requireTap(); }

    @Test
    void aLinuxClientsConnectionToAClosedPortGetsARst() throws Exception {
        Path pcap = dir.resolve("rst.pcap");
        try (Hosts h = new Hosts()) {
            Stack s = h.host(StackConfig.defaults("s"));
            SimNic nic = Hosts.nic(s, "em0", "10.231.11.1/24");
            s.capture(nic, pcap);
            h.start();
            try (TapLink tap = TapLink.attach(nic, "10.231.11.2/24")) {
                RequiredTool.Output o = RequiredTool.run(new ProcessBuilder(tap.inNamespace(
                        "nc", "-z", "-v", "-n", "-w", "2", "10.231.11.1", "81")), "netcat-openbsd", new byte[0]);
                assertEquals(1, o.exitStatus(), o.out() + o.err());
                assertTrue(o.err().contains("Connection refused"), o.err());
                h.settle();
            }
        }
        assertEquals("", tcpProblems(pcap, "10.231.11.2"));
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
            SimNic nic = Hosts.nic(s, "em0", "10.231.12.1/24");
            s.capture(nic, pcap);
            h.start();
            try (TapLink tap = TapLink.attach(nic, "10.231.12.2/24")) {
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
                System.out.println("10 MB to nc: " + s.tcpStats().nonZero() + "; TAP in " + tap.framesIn() + " out "
                        + tap.framesOut() + " drops " + tap.dropsIn() + "/" + tap.dropsOut());
            }
        }
        assertEquals("", tcpProblems(pcap, "10.231.12.2"));
    }

    /**
     * tshark's findings in a TCP capture: malformed frames, bad IPv4/TCP checksums, and any other expert
     * warning but the ones that describe the connection rather than a frame. TCP's sequence analysis is off
     * (a retransmission or a duplicate ACK is TCP working, not a bad frame: the host's drops on the TAP's
     * kernel side are real losses), a RST is flagged by tshark as a warning by design, and Linux (address
     * {@code linux}) may send a TCP checksum of 0xffff, ones' complement zero's other form (RFC 1624 3), which
     * an incremental update produces: tshark flags it, every receiver accepts it.
     */
    static String tcpProblems(Path pcap, String linux) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("tshark", "-r", pcap.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-o", "tcp.analyze_sequence_numbers:FALSE", "-Y",
                "_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0"
                        + " || (_ws.expert.severity >= warning && !tcp.connection.rst"
                        + " && !(tcp.checksum.ffff && ip.src == " + linux + "))");
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        return RequiredTool.output(pb, "tshark").trim();
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
