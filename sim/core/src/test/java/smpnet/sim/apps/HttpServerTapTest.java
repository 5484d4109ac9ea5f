package smpnet.sim.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.TapLink;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.testing.TapTests;
import smpnet.witness.testing.RequiredTool;

/**
 * Linux's curl fetches a 1 MB page twice over one persistent connection from {@link HttpServer} on a smpnet
 * host behind a TAP device, byte-exact; a malformed request gets 400 and the connection closes; the
 * capture reads clean in tshark.
 */
@ExtendWith(MbufLeakExtension.class)
class HttpServerTapTest {
    @TempDir Path dir;

    @BeforeAll
    static void requireTap() { TapTests.requireTap(); }

    @Test
    void curlFetchesAMegabyteTwiceOverOneConnectionAndGarbageGets400() throws Exception {
        byte[] page = new byte[1024 * 1024];
        for (int i = 0; i < page.length; i++) page[i] = (byte) (i * 7 + (i >>> 10));
        Path pcap = dir.resolve("http.pcap");
        try (Stack host = Stack.create(StackConfig.defaults("www"))) {
            SimNic nic = host.addNic("em0", "10.231.13.1/24", NicConfig.of(1));
            host.capture(nic, pcap);
            host.start();
            try (TapLink tap = TapLink.attach(nic, "10.231.13.2/24");
                 HttpServer http = HttpServer.start(host, "10.231.13.1", 8080, Map.of("/big", page))) {
                Path first = dir.resolve("first");
                Path second = dir.resolve("second");
                RequiredTool.Output o = RequiredTool.run(new ProcessBuilder(tap.inNamespace("curl", "-sS", "--max-time", "50",
                        "-o", first.toString(), "http://10.231.13.1:8080/big", "-o", second.toString(),
                        "http://10.231.13.1:8080/big")), "curl", new byte[0]);
                assertEquals(0, o.exitStatus(), o.err());
                assertArrayEquals(page, Files.readAllBytes(first));
                assertArrayEquals(page, Files.readAllBytes(second));
                assertEquals(1, http.connections(), "curl kept the connection for its second request");
                assertEquals(2, http.requests());

                RequiredTool.Output bad = RequiredTool.run(new ProcessBuilder(tap.inNamespace("nc", "-N", "-n", "-w", "5",
                        "10.231.13.1", "8080")), "netcat-openbsd", "GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("HTTP/1.1 400 Bad Request\r\nContent-Length: 16\r\nContent-Type: text/plain\r\n"
                        + "Connection: close\r\n\r\n400 Bad Request\n", bad.out());
                assertEquals(0, bad.exitStatus(), bad.err());
                assertEquals(1, http.badRequests());
                assertEquals(2, http.connections());
            }
            host.quiesce();
        }
        assertEquals("", TapTests.tcpProblems(pcap, "10.231.13.2"));
    }
}
