package smpnet.stack.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import smpnet.stack.dev.TapLink;
import smpnet.witness.testing.RequiredTool;

/** What the tests that run Linux programs against smpnet over a TAP device share. */
public final class TapTests {
    private TapTests() {}

    /**
     * Skips the test with the reason where no TAP device can be made (no root, no /dev/net/tun); fails it
     * instead when {@code CI=true}, since CI runs as root with /dev/net/tun.
     */
    public static void requireTap() {
        String why = TapLink.unavailableReason();
        if (why == null) return;
        if ("true".equals(System.getenv("CI"))) fail("CI must be able to make TAP devices: " + why);
        Assumptions.abort("no TAP device can be made here: " + why);
    }

    /**
     * tshark's findings in a TCP capture: malformed frames, bad IPv4/TCP checksums, and any other expert
     * warning but the ones that describe the connection rather than a frame. TCP's sequence analysis is off
     * (a retransmission or a duplicate ACK is TCP working, not a bad frame: drops on the TAP's kernel side
     * are real losses), nor is a D-SACK block (RFC 2883: the receiver saw a segment twice, after a spurious
     * retransmission), a RST is flagged by tshark as a warning by design, and Linux (address {@code linux})
     * may send a TCP checksum of 0xffff, ones' complement zero's other form (RFC 1624 3), which an
     * incremental update produces: tshark flags it, every receiver accepts it.
     */
    public static String tcpProblems(Path pcap, String linux) throws Exception {
        String linuxFfff = "(tcp.checksum == 0xffff && ip.src == " + linux + ")";
        ProcessBuilder pb = new ProcessBuilder("tshark", "-r", pcap.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-o", "tcp.analyze_sequence_numbers:FALSE", "-Y",
                "_ws.malformed || ip.checksum.status == 0 || (tcp.checksum.status == 0 && !" + linuxFfff + ")"
                        + " || (_ws.expert.severity >= warning && !tcp.connection.rst && !tcp.options.sack.dsack"
                        + " && !" + linuxFfff + ")");
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        return RequiredTool.output(pb, "tshark").trim();
    }
}
