package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.Stack;
import smpnet.stack.StackAsserts;
import smpnet.stack.StackConfig;
import smpnet.stack.mbuf.MbufStats;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.TcpSocket;
import smpnet.witness.junit.WitnessExtension;

/**
 * {@link StackConfig#withCpus}: a host's per-CPU caches apart from its netisr workers. The setting's rules, and
 * two hosts of three caches each (more than the processors a test machine may have, so that several map onto
 * one) trading a TCP stream both ways at once: every byte arrives in order, every cache is there, no mbuf is
 * left.
 */
@ExtendWith(WitnessExtension.class)
class StackConfigCpusTest {
    @Test
    void cpusFollowTheNetisrWorkersUnlessSetAfterThem() {
        assertEquals(1, StackConfig.defaults("a").cpus());
        StackConfig three = StackConfig.defaults("a").withNetisr(3, DispatchPolicy.DEFERRED, PlacementPolicy.FLOW);
        assertEquals(3, three.cpus());
        StackConfig two = three.withCpus(2);
        assertEquals(2, two.cpus());
        assertEquals(3, two.netisr().workers(), "the workers stay");
        assertEquals(4, two.withNetisr(4, DispatchPolicy.DEFERRED, PlacementPolicy.FLOW).cpus(), "withNetisr sets both again");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StackConfig.defaults("a").withCpus(0));
        assertEquals("cpus 0", e.getMessage());
    }

    @Test
    void hostsOfThreeCachesTradeAStreamBothWays() throws Exception {
        Stack a = Stack.create(StackConfig.defaults("a").withCpus(3));
        Stack b = Stack.create(StackConfig.defaults("b").withCpus(3));
        try {
            TcpSocket[] pair = TcpTwoHostsTest.connected(a, b);
            TcpSocket c = pair[0], s = pair[1];
            for (Stack h : new Stack[] {a, b}) {
                MbufStats st = h.allocator().stats();
                assertEquals(3, st.mbufs().perCpu().size(), h + "'s mbuf caches");
                assertEquals(3, st.clusters().perCpu().size(), h + "'s cluster caches");
            }
            byte[] up = TcpTwoHostsTest.pattern(300_000, 1);
            byte[] down = TcpTwoHostsTest.pattern(120_000, 2);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    assertEquals(up.length, c.write(up));
                    c.shutdown(false, true);
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            assertEquals(down.length, s.write(down));
            s.shutdown(false, true);
            assertArrayEquals(up, TcpTwoHostsTest.readAll(s, up.length));
            assertArrayEquals(down, TcpTwoHostsTest.readAll(c, down.length));
            writer.join(20_000);
            if (failed.get() != null) throw new AssertionError(failed.get());
            c.close();
            s.close();
            pair[2].close();
        } finally {
            a.close();
            b.close();
        }
        StackAsserts.assertNoMbufsInUse(a, b);
    }
}
