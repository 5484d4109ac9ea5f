package smpnet.sim.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.TapLink;

/**
 * {@code tap}: a smpnet host on a Linux TAP device in a network namespace of its own, for Linux programs to
 * talk to; with {@code --ping N} Linux pings it N times and the command exits with ping's verdict.
 */
@Command(name = "tap",
        description = {"Starts a smpnet host whose NIC is a Linux TAP device in a new network namespace "
                + "(smpnet-<pid>-<n>; needs root or CAP_NET_ADMIN and /dev/net/tun), prints how to reach it, and "
                + "serves until --seconds pass or Ctrl-C; the namespace is removed on the way out."})
public final class TapCommand extends Subcommand {
    @Option(names = "--address", paramLabel = "CIDR", description = {"smpnet's address; default: 10.99.0.1/24"})
    String address = "10.99.0.1/24";

    @Option(names = "--peer", paramLabel = "CIDR", description = {"Linux's address on the TAP; default: 10.99.0.2/24"})
    String peer = "10.99.0.2/24";

    @Option(names = "--mode", paramLabel = "M", description = {"locking mode: fine, giant or giant-over-fine; default: fine"})
    String mode = "fine";

    @Option(names = "--seconds", paramLabel = "S", description = {"serve this long, 0 for until Ctrl-C; default: 0"})
    double seconds = 0;

    @Option(names = "--ping", paramLabel = "N", description = {"run Linux ping N times (0.2 s apart) inside the "
            + "namespace, print its output and exit with its status"})
    Integer ping;

    @Option(names = "--pcap", paramLabel = "FILE", description = {"capture the NIC's frames to this pcap file"})
    Path pcap;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Checks.seconds(spec, "--seconds", seconds, 0, 86400);
        if (ping != null) Checks.between(spec, "--ping", ping, 1, 10000);
        String why = TapLink.unavailableReason();
        if (why != null) {
            top.err().println("smpnet tap: no TAP device can be made here: " + why);
            return SmpnetCommand.FAILED;
        }
        try (Stack host = Stack.create(StackConfig.defaults("tap").withMode(SeededCostCommand.mode(spec, mode)))) {
            SimNic nic = host.addNic("em0", address, NicConfig.of(1));
            if (pcap != null) host.capture(nic, pcap);
            host.start();
            try (TapLink tap = TapLink.attach(nic, peer)) {
                String self = address.substring(0, address.indexOf('/'));
                out().println("smpnet " + self + " on " + tap);
                out().println("reach it with: ip netns exec " + tap.namespace() + " ping " + self);
                if (ping != null) return pingFromLinux(tap, self);
                serve();
            } finally {
                host.quiesce();
                out().print("smpnet's counters:\n" + host.netstat());
            }
        }
        return 0;
    }

    private int pingFromLinux(TapLink tap, String self) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tap.inNamespace("ping", "-n", "-c", Integer.toString(ping), "-i", "0.2", self))
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(out());
        return p.waitFor() == 0 ? 0 : SmpnetCommand.FAILED;
    }

    /** Serves until --seconds pass, or until the JVM is asked to stop (Ctrl-C runs the shutdown hooks). */
    private void serve() throws InterruptedException {
        CountDownLatch forever = new CountDownLatch(1);
        if (seconds > 0) forever.await((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        else forever.await();
    }
}
