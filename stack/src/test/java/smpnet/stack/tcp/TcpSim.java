package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.witness.Witness;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;

/**
 * Test fixture: two hosts, a (10.0.0.1) and b (10.0.0.2), on an impaired link, run deterministically from a
 * seed on virtual time (a 3-second timer costs nothing). The body runs as the application thread; the link
 * and hosts are closed inside the run afterwards, and every host must then hold no TCP connection, control
 * block or timer. A witness report (a lock-order reversal) fails the run. With the system property
 * {@code tcp.test.pcap=PREFIX}, host a's interface is captured to {@code PREFIX-MODE.pcap} (for debugging).
 */
final class TcpSim {
    interface Body { void run(Stack a, Stack b, ImpairedLink link) throws Exception; }

    /** What the run left to check after it ended. */
    record Result(long virtualNanos, Stack a, Stack b) {}

    static final Impairments CLEAN = Impairments.NONE.withLatency(Duration.ofMillis(1), Duration.ZERO);

    private TcpSim() {}

    static Result run(long seed, LockMode mode, Impairments imp, Body body) {
        DeterministicScheduler sched = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed));
        Stack[] hosts = new Stack[2];
        sched.spawn("app", () -> {
            Stack a = Stack.create(StackConfig.defaults("a").withMode(mode).withScheduler(sched));
            Stack b = Stack.create(StackConfig.defaults("b").withMode(mode).withScheduler(sched));
            hosts[0] = a;
            hosts[1] = b;
            SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1).withRingSize(4096));
            SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1).withRingSize(4096));
            ImpairedLink link = ImpairedLink.connect(na, nb, imp, imp, seed * 31 + 7, 0);
            String pcap = System.getProperty("tcp.test.pcap");
            if (pcap != null) a.capture(na, java.nio.file.Path.of(pcap + "-" + mode + ".pcap"));
            a.start();
            b.start();
            try {
                body.run(a, b, link);
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                link.close();
                a.close();
                b.close();
            }
        });
        try (Witness.Registration ignored = Witness.active() == null ? null : Witness.listen(r -> onReport(sched, r))) {
            sched.run();
        }
        for (Stack s : hosts) {
            assertEquals(new Stack.TcpResources(0, 0, 0, 0), s.tcpResources(), s.name() + " after close");
        }
        return new Result(sched.now(), hosts[0], hosts[1]);
    }

    private static void onReport(DeterministicScheduler sched, Report r) {
        if (r.kind() == ReportKind.NEW_ORDER || r.allowed()) return;
        sched.fail(new AssertionError(r.text()));
    }

    /** Sleeps {@code ms} of virtual time. */
    static void sleep(long ms) { Scheduler.current().parkNanos("sleep", ms * 1_000_000L); }
}
