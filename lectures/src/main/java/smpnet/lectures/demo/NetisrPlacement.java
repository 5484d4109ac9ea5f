package smpnet.lectures.demo;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.UdpSocket;

/**
 * Lecture 5: where netisr runs a packet under each policy. Host a sends datagrams of four flows over a
 * wire to host b, whose NIC has two receive queues (two sources; RSS picks a flow's queue) and whose netisr
 * has two workers; the demo prints which worker of b ran how many packets, how many of them in the
 * receiving ithread, and whether every flow arrived in order.
 */
public final class NetisrPlacement {
    private static final int FLOWS = 4;
    private static final int PER_FLOW = 50;

    private NetisrPlacement() {}

    public static void run(PrintStream out) throws Exception {
        out.printf("%-9s %-7s %-34s %-34s %s%n", "dispatch", "place", "worker 0: handled (in the ithread)",
                "worker 1: handled (in the ithread)", "each flow in order");
        for (DispatchPolicy d : new DispatchPolicy[] {DispatchPolicy.DIRECT, DispatchPolicy.DEFERRED}) {
            for (PlacementPolicy p : new PlacementPolicy[] {PlacementPolicy.SOURCE, PlacementPolicy.FLOW}) {
                once(out, d, p);
            }
        }
    }

    private static void once(PrintStream out, DispatchPolicy d, PlacementPolicy p) throws Exception {
        try (Stack a = Stack.create(StackConfig.defaults("a"));
             Stack host = Stack.create(StackConfig.defaults("b").withNetisr(2, d, p))) {
            SimNic em0 = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
            Wire.connect(em0, host.addNic("em0", "10.0.0.2/24", NicConfig.of(2)));
            a.start();
            host.start();
            a.ping("10.0.0.2", 1, Duration.ofMillis(10), Duration.ofSeconds(5));   // ARP resolved first
            try (UdpSocket rx = host.openUdp().bind(5000).setReceiveBuffer(1 << 20, 1)
                    .setReceiveTimeout(Duration.ofSeconds(10))) {
                UdpSocket[] tx = new UdpSocket[FLOWS];
                for (int f = 0; f < FLOWS; f++) {
                    tx[f] = a.openUdp().bind(6000 + f);
                }
                InetSocketAddress to = new InetSocketAddress("10.0.0.2", 5000);
                for (int i = 0; i < PER_FLOW; i++) {
                    for (int f = 0; f < FLOWS; f++) {
                        tx[f].sendTo(ByteBuffer.allocate(8).putInt(f).putInt(i).array(), to);
                    }
                }
                int[] next = new int[FLOWS];
                boolean inOrder = true;
                byte[] buf = new byte[8];
                for (int i = 0; i < FLOWS * PER_FLOW; i++) {
                    rx.receive(buf);
                    ByteBuffer b = ByteBuffer.wrap(buf);
                    int f = b.getInt();
                    inOrder &= b.getInt() == next[f]++;
                }
                for (UdpSocket s : tx) {
                    s.close();
                }
                a.quiesce();
                host.quiesce();
                var w0 = host.netisr().stats(0);
                var w1 = host.netisr().stats(1);
                out.printf("%-9s %-7s %-34s %-34s %s%n", d, p, w0.handled() + " (" + w0.direct() + ")",
                        w1.handled() + " (" + w1.direct() + ")", inOrder ? "yes" : "NO");
            }
        }
    }
}
