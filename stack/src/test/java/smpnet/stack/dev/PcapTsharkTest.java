package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.internal.net.PcapWriter;
import smpnet.stack.net.MacAddress;

/** Captures of a wired NIC pair and of loopback, read back by tshark with checksum validation on. */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
public class PcapTsharkTest {
    @TempDir Path dir;

    @Test
    void globalAndRecordHeadersAreClassicLibpcap() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, PcapWriter.LINKTYPE_ETHERNET, 65535)) {
            w.record(new byte[] {1, 2, 3}, 3);
            assertEquals(1, w.packets());
        }
        byte[] b = out.toByteArray();
        assertEquals(24 + 16 + 3, b.length);
        assertArrayEquals(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0,
                0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 1, 0, 0, 0}, java.util.Arrays.copyOf(b, 24));
        assertArrayEquals(new byte[] {3, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3}, java.util.Arrays.copyOfRange(b, 32, 43));
    }

    @Test
    void wiredTrafficInBothDirectionsIsCleanForTshark() throws Exception {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(2));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(2));
        // b answers every frame with one of its own, so the capture on a holds both directions
        b.handler = m -> {
            b.record(m);
            b.nic.transmit(b.udp(a.nic.mac(), 100, b.seen.size(), 40));
        };
        Wire.connect(a.nic, b.nic);
        Path file = dir.resolve("a-em0.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.LINKTYPE_ETHERNET)) {
            a.nic.setCapture(w);
            a.nic.start();
            b.nic.start();
            for (int i = 0; i < 10; i++) a.nic.transmit(a.udp(b.nic.mac(), i, i, 8 + 97 * i));
            awaitQuiet(a, b);
            a.nic.stop();
            b.nic.stop();
            assertEquals(20, w.packets());
        }
        assertEquals(10, b.seen.size());
        assertEquals(10, a.seen.size());
        assertTsharkClean(file, 20);
    }

    @Test
    void loopbackCaptureIsCleanForTshark() throws Exception {
        TestHost h = new TestHost("h", 1, LockMode.GIANT, NicConfig.of(1));
        Loopback lo = new Loopback("lo0", 2, h.locks);
        h.attach(lo);
        Path file = dir.resolve("lo0.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.LINKTYPE_ETHERNET)) {
            lo.setCapture(w);
            lo.start();
            for (int i = 0; i < 5; i++) lo.transmit(h.udp(MacAddress.ZERO, i, i, 8 + i));
            lo.awaitReceived();
            lo.stop();
        }
        assertEquals(5, h.seen.size());
        assertTsharkClean(file, 5);
    }

    /** a's frames reach b, b's answers come back to a: wait for both directions to drain, twice over. */
    private static void awaitQuiet(TestHost a, TestHost b) {
        for (int round = 0; round < 2; round++) {
            a.nic.awaitTransmitted();
            b.nic.awaitDrained();
            a.nic.awaitReceived();
        }
    }

    public static void assertTsharkClean(Path file, int packets) throws IOException, InterruptedException {
        String problems = tshark(file, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-Y", "_ws.malformed || _ws.expert.severity >= warning");
        assertEquals("", problems, "tshark found malformed packets or warnings");
        String good = tshark(file, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-Y", "ip.checksum.status == \"Good\" && udp.checksum.status == \"Good\"", "-T", "fields",
                "-e", "frame.number");
        assertEquals(packets, good.lines().count(), "frames whose IPv4 and UDP checksums tshark verified");
    }

    private static String tshark(Path file, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("tshark did not finish");
        assertEquals(0, p.exitValue(), "tshark failed: " + err);
        return new String(out, StandardCharsets.UTF_8).trim();
    }
}
