package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.TapLink;
import smpnet.stack.internal.os.NetNamespace;
import smpnet.stack.stats.IcmpStat;
import smpnet.stack.testing.TapTests;
import smpnet.witness.junit.WitnessExtension;
import smpnet.witness.testing.RequiredTool;

/**
 * A smpnet host on a Linux TAP device in a namespace of its own: Linux's ping gets its replies, the capture
 * reads clean in tshark, and the namespace goes away on close and after a killed run. Where a TAP cannot be
 * made (no root, no /dev/net/tun) the tests skip with the reason; with CI=true they fail instead, since CI
 * runs as root with /dev/net/tun.
 */
@ExtendWith(WitnessExtension.class)
class TapLinkTest {
    @TempDir Path dir;

    @BeforeAll
    static void requireTap() { TapTests.requireTap(); }

    /** Gives {@code s} a NIC {@code net}.1/24 captured to {@code pcap}, starts it, and cables it to a TAP where Linux is {@code net}.2. */
    static TapLink onTap(Hosts h, Stack s, String net, Path pcap) throws java.io.IOException {
        SimNic nic = Hosts.nic(s, "em0", net + ".1/24");
        s.capture(nic, pcap);
        h.start();
        return TapLink.attach(nic, net + ".2/24");
    }

    @Test
    void linuxPingGetsRepliesFromSmpnetAndTheCaptureReadsClean() throws Exception {
        Path pcap = dir.resolve("tap.pcap");
        String ns;
        try (Hosts h = new Hosts()) {
            Stack s = h.host(StackConfig.defaults("s"));
            try (TapLink tap = onTap(h, s, "10.231.7", pcap)) {
                ns = tap.namespace();
                assertTrue(NetNamespace.list().contains(ns), "the namespace exists while attached");
                RequiredTool.Output o = RequiredTool.run(new ProcessBuilder(tap.inNamespace(
                        "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "10.231.7.1")), "iputils-ping", new byte[0]);
                assertEquals(0, o.exitStatus(), o.out() + o.err());
                assertTrue(o.out().contains("3 packets transmitted, 3 received, 0% packet loss"), o.out());
                h.settle();
                assertEquals(4, tap.framesIn(), "Linux's ARP request and three echo requests");
                assertEquals(4, tap.framesOut(), "smpnet's ARP reply and three echo replies");
                assertEquals(0, tap.dropsIn() + tap.dropsOut());
            }
            assertFalse(NetNamespace.list().contains(ns), "close removed the namespace");
            assertEquals(3, s.icmpStats().get(IcmpStat.ECHO_REQUESTS));
            assertEquals(3, s.icmpStats().get(IcmpStat.ECHO_REPLIES_SENT));
        }
        assertEquals("", Hosts.tsharkProblems(pcap));
        // The ARP exchange first; then three requests and three replies (a reply may be captured after the
        // next request: ping sends on its own clock), sorted here.
        String[] lines = Hosts.tsharkFields(pcap, "", "frame.protocols", "ip.src", "ip.dst", "arp.opcode", "icmp.type")
                .split("\n");
        assertEquals(8, lines.length, String.join("\n", lines));
        assertEquals(List.of("eth:ethertype:arp\t\t\t1\t", "eth:ethertype:arp\t\t\t2\t"), List.of(lines).subList(0, 2));
        assertEquals(List.of(
                "eth:ethertype:ip:icmp:data\t10.231.7.1\t10.231.7.2\t\t0",
                "eth:ethertype:ip:icmp:data\t10.231.7.1\t10.231.7.2\t\t0",
                "eth:ethertype:ip:icmp:data\t10.231.7.1\t10.231.7.2\t\t0",
                "eth:ethertype:ip:icmp:data\t10.231.7.2\t10.231.7.1\t\t8",
                "eth:ethertype:ip:icmp:data\t10.231.7.2\t10.231.7.1\t\t8",
                "eth:ethertype:ip:icmp:data\t10.231.7.2\t10.231.7.1\t\t8"),
                List.of(lines).subList(2, 8).stream().sorted().toList());
    }

    @Test
    void aNicOnAWireIsRefusedAndNothingIsLeftBehind() throws Exception {
        try (Hosts h = new Hosts()) {
            Stack a = h.host(StackConfig.defaults("a"));
            Stack b = h.host(StackConfig.defaults("b"));
            SimNic na = Hosts.nic(a, "em0", "10.231.8.1/24");
            Hosts.wire(na, Hosts.nic(b, "em0", "10.231.8.2/24"));
            List<String> before = NetNamespace.list();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TapLink.attach(na, "10.231.8.3/24"));
            assertEquals("em0 is already connected; disconnect it first", e.getMessage());
            assertEquals(before, NetNamespace.list());
            SimNic spare = Hosts.nic(a, "em1", "10.231.9.1/24");
            assertThrows(IllegalArgumentException.class, () -> TapLink.attach(spare, "10.231.9.300/24"));
            assertEquals(before, NetNamespace.list());
        }
    }

    /**
     * The killed run: a host on a TAP in a JVM of its own, which prints its namespace and waits to be killed
     * (the other end is {@link #aJvmKilledOutrightLeavesItsNamespaceForTheNextRunToSweep}).
     */
    public static void main(String[] args) throws Exception {
        Stack s = Stack.create(StackConfig.defaults("killed"));
        SimNic nic = Hosts.nic(s, "em0", "10.231.14.1/24");
        s.start();
        TapLink tap = TapLink.attach(nic, "10.231.14.2/24");
        System.out.println(tap.namespace());
        System.out.flush();
        Thread.sleep(60_000);
    }

    @Test
    void aJvmKilledOutrightLeavesItsNamespaceForTheNextRunToSweep() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), TapLinkTest.class.getName()).redirectErrorStream(true).start();
        String name = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
        String live = "smpnet-" + ProcessHandle.current().pid() + "-999999";
        NetNamespace.ip("netns", "add", live);
        try {
            assertTrue(name != null && name.equals("smpnet-" + child.pid() + "-1"), "the child's namespace: " + name);
            assertTrue(NetNamespace.list().contains(name));
            child.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs
            assertTrue(NetNamespace.list().contains(name), "a killed JVM removes nothing");
            assertTrue(TapLink.sweepStale().contains(name));
            assertFalse(NetNamespace.list().contains(name));
            assertTrue(NetNamespace.list().contains(live), "a live process's namespace is not stale");
        } finally {
            NetNamespace.ip("netns", "del", live);
            child.destroyForcibly();
            if (name != null && NetNamespace.list().contains(name)) NetNamespace.ip("netns", "del", name);
        }
    }
}
