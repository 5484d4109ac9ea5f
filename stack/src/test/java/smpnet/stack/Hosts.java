package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import smpnet.stack.locks.LockMode;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;

/** Test fixture: hosts on wires, started together, closed together, with tshark checks of their captures. */
final class Hosts implements AutoCloseable {
    final List<Stack> stacks = new ArrayList<>();

    Stack host(StackConfig c) {
        Stack s = Stack.create(c);
        stacks.add(s);
        return s;
    }

    Stack host(String name, LockMode mode) { return host(StackConfig.defaults(name).withMode(mode)); }

    static SimNic nic(Stack s, String name, String cidr) { return s.addNic(name, cidr, NicConfig.of(1)); }

    void start() { stacks.forEach(Stack::start); }

    /** Lets every host finish what it has in flight (twice: a reply may start new work on the peer). */
    void settle() {
        for (int i = 0; i < 3; i++) stacks.forEach(Stack::quiesce);
    }

    @Override
    public void close() {
        stacks.forEach(Stack::close);
    }

    static Wire wire(SimNic a, SimNic b) { return Wire.connect(a, b); }

    /** Puts IP packet {@code packet} on {@code nic}'s receive side in a frame from a made-up peer MAC. */
    static void injectIp(Stack host, SimNic nic, byte[] packet) {
        byte[] f = smpnet.stack.testing.Frames.ether(nic.mac().bits(), 0x020000000099L,
                smpnet.stack.internal.wire.EthernetHeader.TYPE_IPV4, packet);
        assertTrue(nic.receive(host.allocator().fromBytes(f, 0, f.length, smpnet.stack.mbuf.Mbuf.M_WAIT)));
    }

    /** tshark's expert findings (malformed packets, warnings, bad checksums) in {@code pcap}: must be empty. */
    static String tsharkProblems(Path pcap) throws IOException, InterruptedException {
        return run(List.of("tshark", "-r", pcap.toString(), "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= warning"));
    }

    /** tshark's fields {@code fields} (e.g. "frame.protocols") one packet a line, tab separated. */
    static String tsharkFields(Path pcap, String filter, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE", "-T", "fields"));
        if (!filter.isEmpty()) cmd.addAll(List.of("-Y", filter));
        for (String f : fields) cmd.addAll(List.of("-e", f));
        return run(cmd);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "tshark failed: " + err);
        return out;
    }
}
