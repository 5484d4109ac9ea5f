package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.internal.net.DirectReceive;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.net.MacAddress;
import smpnet.witness.junit.WitnessExtension;

/**
 * A direct-receive region ({@link DirectReceive}) and the RX rings it holds back: the frames it puts go up in
 * the region's thread at its close, in order; a ring the region's budget did not reach is handed to its own
 * interrupt thread, whose held-back wake-up is given then; a ring without direct receive wakes its thread as
 * always.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class DirectReceiveRingTest {
    /**
     * Starts {@code h}'s NIC and has its interrupt thread hand up one frame, outside any region: once the ring
     * is drained that thread is back waiting for work (it waits holding nothing, after it found the ring empty
     * under the ring's lock, which {@code awaitReceived} takes), so only a wake-up can start it again.
     */
    private static void startIdle(TestHost h) {
        h.nic.start();
        assertTrue(h.nic.receive(h.udp(MacAddress.BROADCAST, 9, 0, 8)));
        h.nic.awaitReceived();
        assertEquals(1, h.seen.size());
        h.seen.clear();
    }


    @Test
    void theRegionHandsUpWhatItPutAtItsClose() {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        java.util.List<String> by = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        a.handler = m -> {
            by.add(Thread.currentThread().getName());
            a.record(m);
        };
        a.nic.setReceiveDirect(true);
        startIdle(a);
        by.clear();
        long before = DirectReceive.drainedByCurrentThread();
        try (DirectReceive d = DirectReceive.open()) {
            for (int i = 0; i < 5; i++) assertTrue(a.nic.receive(a.udp(MacAddress.BROADCAST, 3, i, 8)));
            assertEquals(0, a.seen.size()); // held back: the interrupt thread was not woken
        }
        assertEquals(5, DirectReceive.drainedByCurrentThread() - before);
        assertEquals(List.of(0, 1, 2, 3, 4), a.seen.stream().map(TestHost.Seen::seq).toList());
        assertEquals(java.util.Collections.nCopies(5, Thread.currentThread().getName()), by);
        a.nic.stop();
        assertEquals(6, a.nic.counters().inPackets()); // and the first, before the region
    }

    @Test
    void aRingTheBudgetDidNotReachGoesToItsThread() throws Exception {
        int many = DirectReceive.BUDGET + 100;
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1).withRingSize(2 * many));
        TestHost b = new TestHost("b", 2, LockMode.FINE, NicConfig.of(1));
        java.util.List<String> byB = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        b.handler = m -> {
            byB.add(Thread.currentThread().getName());
            b.record(m);
        };
        for (TestHost h : new TestHost[] {a, b}) {
            h.nic.setReceiveDirect(true);
            startIdle(h);
        }
        byB.clear();
        try (DirectReceive d = DirectReceive.open()) {
            for (int i = 0; i < many; i++) assertTrue(a.nic.receive(a.udp(MacAddress.BROADCAST, 1, i, 8)));
            assertTrue(b.nic.receive(b.udp(MacAddress.BROADCAST, 2, 0, 8)));
        }
        // a's ring used the whole budget; b's, never reached, was handed to b's interrupt thread
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (b.seen.isEmpty() && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(List.of("b-em0-rx0"), byB);
        a.nic.awaitReceived();
        assertEquals(many, a.seen.size());
        for (int i = 0; i < many; i++) assertEquals(i, a.seen.get(i).seq());
        a.nic.stop();
        b.nic.stop();
    }

    @Test
    void aRingWithoutDirectReceiveWakesItsThread() throws Exception {
        TestHost a = new TestHost("a", 1, LockMode.FINE, NicConfig.of(1));
        java.util.List<String> by = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        a.handler = m -> {
            by.add(Thread.currentThread().getName());
            a.record(m);
        };
        startIdle(a);
        by.clear();
        long before = DirectReceive.drainedByCurrentThread();
        try (DirectReceive d = DirectReceive.open()) {
            assertTrue(a.nic.receive(a.udp(MacAddress.BROADCAST, 3, 0, 8)));
        }
        a.nic.awaitReceived();
        assertEquals(0, DirectReceive.drainedByCurrentThread() - before);
        assertEquals(List.of("a-em0-rx0"), by);
        a.nic.stop();
    }
}
