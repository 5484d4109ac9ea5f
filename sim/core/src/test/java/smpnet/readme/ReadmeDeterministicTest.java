package smpnet.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.sim.determ.DeterministicRun;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/**
 * The README's deterministic-run example as an outside program writes it (this package reaches only public
 * types), and wrong use of a run: each fails at once with a message, never a hang.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class ReadmeDeterministicTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** The README's example, verbatim but for keeping what it received and the link. */
    private static DeterministicRun.Result readmeExample(long seed, AtomicReference<Datagram> got,
                                                         AtomicReference<ImpairedLink> link) {
        DeterministicRun run = DeterministicRun.of(seed);
        run.spawn("app", () -> {
            Stack a = run.host(StackConfig.defaults("a"));
            Stack b = run.host(StackConfig.defaults("b").withMode(LockMode.GIANT));
            link.set(run.link(a.addNic("em0", "10.0.0.1/24", NicConfig.of(1)), b.addNic("em0", "10.0.0.2/24", NicConfig.of(1)),
                    Impairments.NONE.withLatency(Duration.ofMillis(5), Duration.ofMillis(1)).withLoss(0.01)));
            a.start(); b.start();
            UdpSocket rx = b.openUdp().bind(5000).setReceiveTimeout(Duration.ofSeconds(60));
            run.spawn("sender", () -> a.openUdp().sendTo("hi".getBytes(), new InetSocketAddress("10.0.0.2", 5000)));
            Datagram d = rx.receiveFrom();                 // blocks, on virtual time
            got.set(d);
        });
        return run.run();
    }

    @Test void theReadmeExampleDeliversAndReplaysDecisionForDecision() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<Datagram> got = new AtomicReference<>();
            AtomicReference<ImpairedLink> link = new AtomicReference<>();
            DeterministicRun.Result r = readmeExample(42, got, link);
            assertEquals("hi", got.get().text());
            assertEquals(new InetSocketAddress("10.0.0.1", got.get().source().getPort()), got.get().source());
            assertEquals(42, r.seed());
            // ARP request a->b, reply b->a, the datagram a->b; 5 ms +- 1 ms each way.
            ImpairedLink.Counters ab = link.get().counters(true);
            ImpairedLink.Counters ba = link.get().counters(false);
            assertEquals(2, ab.frames());
            assertEquals(2, ab.delivered());
            assertEquals(1, ba.frames());
            assertEquals(1, ba.delivered());
            assertTrue(r.virtualNanos() >= Duration.ofMillis(12).toNanos(), "three one-way trips: " + r.virtualNanos());

            DeterministicRun.Result again = readmeExample(42, new AtomicReference<>(), new AtomicReference<>());
            assertEquals(r.decisionHash(), again.decisionHash());
            assertEquals(r.decisions(), again.decisions());
            assertEquals(r.virtualNanos(), again.virtualNanos());
            DeterministicRun.Result other = readmeExample(43, new AtomicReference<>(), new AtomicReference<>());
            assertNotEquals(r.decisionHash(), other.decisionHash());
        });
    }

    // A run that fails while hosts are up (an exception in a thread, a deadlock) is not tested here: the
    // threads it unwinds release simulated locks they no longer hold, and witness reports that into whatever
    // runs next in the JVM. DeterministicRunTest covers failures without hosts.

    @Test void aRunWithNothingToDoEndsAtOnceAndARunRunsOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            DeterministicRun.Result empty = DeterministicRun.of(1).run();
            assertEquals(1, empty.seed());
            assertEquals(0, empty.virtualNanos());
            DeterministicRun run = DeterministicRun.of(1);
            run.spawn("app", () -> { });
            run.run();
            assertEquals("the deterministic run is over", assertThrows(IllegalStateException.class, run::run).getMessage());
            assertEquals("the deterministic run is over",
                    assertThrows(IllegalStateException.class, () -> run.spawn("late", () -> { })).getMessage());
        });
    }

    @Test void impairmentsOutOfRangeAreRefused() {
        assertEquals("a probability must be in [0, 1], not 1.5",
                assertThrows(IllegalArgumentException.class, () -> Impairments.NONE.withLoss(1.5)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Impairments.NONE.withLatency(Duration.ofMillis(-1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Impairments.NONE.withLoss(Double.NaN));
    }
}
