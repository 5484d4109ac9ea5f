package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.socket.TcpSocket;
import smpnet.witness.testing.RequiredTool;

/**
 * A capture as README.md shows it ({@code a.capture(na, file)}) of a whole TCP connection, read by tshark
 * with every checksum checked: no malformed frame, no warning, and exactly the segments the exchange makes.
 */
class OutsidePcapTest {
    @TempDir Path dir;

    /** tshark's fields of the frames of {@code file} matching {@code filter}, checksums checked (none: the summary). */
    static String tshark(Path file, String filter, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-d", "tcp.port==7000,data", "-Y", filter)); // 7000 is no protocol here
        if (fields.length > 0) cmd.addAll(List.of("-T", "fields"));
        for (String f : fields) cmd.addAll(List.of("-e", f));
        return RequiredTool.output(new ProcessBuilder(cmd), "tshark").trim();
    }

    @Test
    void aTcpConnectionCapturedIsCleanForTshark() throws Exception {
        Path pcap = dir.resolve("a.pcap");
        try (TwoHosts h = new TwoHosts()) {
            h.a.capture(h.na, pcap);
            h.start();
            TcpSocket lis = h.listen();
            TcpSocket[] cs = h.connect(lis);
            byte[] data = new byte[5000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) i;
            cs[0].write(data);
            cs[0].shutdown(false, true);
            assertArrayEquals(data, OutsideTcpTest.readExactly(cs[1], data.length));
            assertEquals(-1, cs[1].read(new byte[1]));
            cs[1].close();
            assertEquals(-1, cs[0].read(new byte[1]));
            cs[0].close();
            lis.close();
            h.quiesce();
        }
        assertEquals("", tshark(pcap, "_ws.malformed || _ws.expert.severity >= warning"),
                "tshark found malformed frames or warnings");
        // One line per TCP segment: SYN, ACK, FIN, RST flags, payload length, IPv4 and TCP checksum status.
        List<String[]> segs = tshark(pcap, "tcp", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset",
                "tcp.len", "ip.checksum.status", "tcp.checksum.status").lines().map(l -> l.split("\t")).toList();
        for (String[] f : segs) assertEquals("1 1", f[5] + " " + f[6], "IPv4 and TCP checksums verified (1: good)");
        assertEquals(1, segs.stream().filter(f -> f[0].equals("1") && f[1].equals("0")).count(), "one SYN");
        assertEquals(1, segs.stream().filter(f -> f[0].equals("1") && f[1].equals("1")).count(), "one SYN-ACK");
        assertEquals(2, segs.stream().filter(f -> f[2].equals("1")).count(), "a FIN each way");
        assertEquals(0, segs.stream().filter(f -> f[3].equals("1")).count(), "no RST");
        long bytes = segs.stream().mapToLong(f -> Long.parseLong(f[4])).sum();
        assertEquals(5000, bytes, "every data byte once");
    }
}
