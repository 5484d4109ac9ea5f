package smpnet.sim.determ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/** Whole-stack deterministic runs: one seed, one run, in every locking mode; the plain application API; leaks. */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class DeterministicRunTest {

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void oneSeedGivesOneRunOfSeveralHostsDecisionForDecision(LockMode mode) {
        SeededCommand.SeedRun first = SeededCommand.runSeed(Scenario.HOSTS, mode, 5, 8, "");
        SeededCommand.SeedRun again = SeededCommand.runSeed(Scenario.HOSTS, mode, 5, 8, "");
        SeededCommand.SeedRun other = SeededCommand.runSeed(Scenario.HOSTS, mode, 6, 8, "");
        for (SeededCommand.SeedRun r : List.of(first, again, other)) {
            if (r.failed()) throw r.failure();
        }
        assertEquals(first.result().decisionHash(), again.result().decisionHash());
        assertEquals(first.result().decisions(), again.result().decisions());
        assertEquals(first.result().virtualNanos(), again.result().virtualNanos());
        assertEquals(first.outcome(), again.outcome());
        assertTrue(first.result().decisions() > 1000, "decisions: " + first.result().decisions());
        assertNotEquals(first.result().decisionHash(), other.result().decisionHash());
    }

    @Test
    void theCostScenariosRunDeterministicallyWithTheirExpectedOutcomes() {
        SeededCommand.SeedRun blast = SeededCommand.runSeed(Scenario.UDP_BLAST, LockMode.FINE, 1, 8, "");
        SeededCommand.SeedRun rpc = SeededCommand.runSeed(Scenario.UDP_RPC, LockMode.GIANT, 1, 8, "");
        for (SeededCommand.SeedRun r : List.of(blast, rpc)) {
            if (r.failed()) throw r.failure();
        }
        assertEquals(List.of("b got 2000 of 2000"), blast.outcome());
        assertEquals(1, rpc.outcome().size());
        assertTrue(rpc.outcome().getFirst().startsWith("100 replies after "), rpc.outcome().toString());
        assertTrue(rpc.result().virtualNanos() > TimeUnit.MILLISECONDS.toNanos(200), "100 round trips of 2 ms at least");
    }

    @Test
    void anApplicationStartsHostsOpensSocketsAndBlocksInReceiveOnVirtualTime() {
        DeterministicRun run = DeterministicRun.of(42);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        long realStart = System.nanoTime();
        run.spawn("app", () -> {
            Stack a = run.host(StackConfig.defaults("a"));
            Stack b = run.host(StackConfig.defaults("b").withMode(LockMode.GIANT));
            Wire.connect(a.addNic("em0", "10.0.0.1/24", NicConfig.of(1)), b.addNic("em0", "10.0.0.2/24", NicConfig.of(1)));
            a.start();
            b.start();
            UdpSocket rx = b.openUdp().bind(5000).setReceiveTimeout(Duration.ofSeconds(60));
            run.spawn("sender", () -> {
                Scheduler.current().parkNanos("think", TimeUnit.SECONDS.toNanos(3));
                a.openUdp().sendTo("hello".getBytes(), new InetSocketAddress("10.0.0.2", 5000));
            });
            Datagram d = rx.receiveFrom();
            log.add(d.text() + " from " + d.source().getAddress().getHostAddress() + " at " + Scheduler.current().nanoTime() / 1_000_000_000 + " s");
            try {
                rx.receiveFrom(); // nobody sends again: 2 x MSL of virtual time, milliseconds of real time
            } catch (SocketTimeoutException e) {
                log.add("timed out at " + Scheduler.current().nanoTime() / 1_000_000_000 + " s");
            }
            b.close(); // closing early is fine: the run closes what is left
        });
        DeterministicRun.Result r = run.run();
        assertEquals(List.of("hello from 10.0.0.1 at 3 s", "timed out at 63 s"), log);
        assertEquals(42, r.seed());
        assertTrue(r.virtualNanos() >= TimeUnit.SECONDS.toNanos(63));
        assertTrue(System.nanoTime() - realStart < TimeUnit.SECONDS.toNanos(20));
    }

    @Test
    void aLeakedMbufFailsTheRunWithItsSeed() {
        DeterministicRun run = DeterministicRun.of(7);
        Mbuf[] leaked = new Mbuf[1];
        run.spawn("leaker", () -> {
            Stack a = run.host(StackConfig.defaults("leaky"));
            a.start();
            leaked[0] = a.allocator().getHeader(Mbuf.M_WAIT);
        });
        DeterministicScheduler.RunFailure f = assertThrows(DeterministicScheduler.RunFailure.class, run::run);
        leaked[0].freeChain();
        assertEquals(7, f.seed());
        assertTrue(f.getMessage().startsWith("deterministic run with seed 7 failed at its end: leaked mbufs: leaky: 1 mbufs"),
                f.getMessage());
        assertTrue(f.getMessage().endsWith("\nreplay: DeterministicRun.of(7)"), f.getMessage());
    }

    @Test
    void aFailedAssertionInAnApplicationThreadStopsTheRun() {
        DeterministicRun run = DeterministicRun.of(3);
        run.spawn("checker", () -> { throw new AssertionError("expected 3 datagrams, got 2"); });
        DeterministicScheduler.RunFailure f = assertThrows(DeterministicScheduler.RunFailure.class, run::run);
        assertTrue(f.getMessage().contains("seed 3") && f.getMessage().contains("checker threw java.lang.AssertionError: expected 3 datagrams, got 2"),
                f.getMessage());
    }
}
