package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpSocket;
import smpnet.witness.junit.WitnessExtension;
import smpnet.witness.testing.RequiredTool;

/**
 * The SYN and SYN-ACK options as FreeBSD 14 sends them, read back by tshark from a capture: by default
 * {@code <mss 1460,nop,wscale 6,sackOK,TS val V ecr 0>} (6: the smallest shift that covers
 * kern.ipc.maxsockbuf's 2 MB, whatever the receive buffer), and nothing at all with TCP_NOOPT, on the SYN of
 * a socket that sets it and on the SYN-ACK of a listener that sets it.
 */
@ExtendWith(WitnessExtension.class)
class TcpSynOptionsTest {
    @TempDir Path dir;

    @Test
    void synOptionsInFreeBsdOrderAndNoneWithNoopt() throws Exception {
        Path pcap = dir.resolve("syn.pcap");
        Stack a = Stack.create(StackConfig.defaults("a"));
        Stack b = Stack.create(StackConfig.defaults("b"));
        try {
            SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
            SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1));
            Wire.connect(na, nb);
            a.capture(na, pcap);
            a.start();
            b.start();
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 80)).listen(4);
            TcpSocket quiet = b.openTcp();
            quiet.setOption(SockOpt.TCP_NOOPT, 1);
            quiet.bind(new InetSocketAddress("10.0.0.2", 81)).listen(4);
            lis.setReceiveTimeout(Duration.ofSeconds(20));
            quiet.setReceiveTimeout(Duration.ofSeconds(20));

            TcpSocket c1 = a.openTcp();
            c1.setOption(SockOpt.SO_RCVBUF, 8192); // the scale still follows kern.ipc.maxsockbuf
            c1.connect(new InetSocketAddress("10.0.0.2", 80));
            TcpSocket s1 = lis.accept();
            TcpInfo i = c1.info();
            assertEquals(6, i.sndWscale());
            assertEquals(6, i.rcvWscale());
            assertEquals(TcpInfo.OPT_TIMESTAMPS | TcpInfo.OPT_SACK | TcpInfo.OPT_WSCALE, i.options());
            assertEquals(1448, i.sndMss(), "1460 less the 12 bytes of the timestamp option");

            TcpSocket c2 = a.openTcp();
            c2.setOption(SockOpt.TCP_NOOPT, 1);
            c2.connect(new InetSocketAddress("10.0.0.2", 80));
            TcpSocket s2 = lis.accept();
            assertEquals(0, c2.info().options());
            assertEquals(1460, c2.info().sndMss(), "the SYN-ACK's MSS is honoured; no timestamps to deduct");

            TcpSocket c3 = a.openTcp();
            c3.connect(new InetSocketAddress("10.0.0.2", 81));
            TcpSocket s3 = quiet.accept();
            assertEquals(0, c3.info().options());
            for (TcpSocket s : List.of(c1, c2, c3, s1, s2, s3, lis, quiet)) s.close();
            for (int k = 0; k < 3; k++) {
                a.quiesce();
                b.quiesce();
            }
        } finally {
            a.close();
            b.close();
        }
        List<String> syns = synOptions(pcap);
        assertEquals(6, syns.size(), String.join("\n", syns));
        assertTrue(syns.get(0).matches("S 020405b4010303060402080a[0-9a-f]{8}00000000"), syns.get(0));
        assertTrue(syns.get(1).matches("SA 020405b4010303060402080a[0-9a-f]{16}"), syns.get(1));
        assertEquals("S ", syns.get(2), "TCP_NOOPT: a SYN without options");
        assertEquals("SA 020405b4", syns.get(3), "a SYN without options gets the MSS alone");
        assertTrue(syns.get(4).startsWith("S 020405b4"), syns.get(4));
        assertEquals("SA ", syns.get(5), "a TCP_NOOPT listener's SYN-ACK carries no options");
    }

    /** "S <options hex>" or "SA <options hex>" for each SYN in the capture, in order. */
    private static List<String> synOptions(Path pcap) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("tshark", "-r", pcap.toString(), "-Y", "tcp.flags.syn == 1", "-T", "fields",
                "-e", "tcp.flags.ack", "-e", "tcp.options");
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        String out = RequiredTool.output(pb, "tshark");
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            boolean ack = f[0].equals("1") || f[0].equalsIgnoreCase("true");
            l.add((ack ? "SA " : "S ") + (f.length > 1 ? f[1].replace(":", "") : ""));
        }
        return l;
    }
}
