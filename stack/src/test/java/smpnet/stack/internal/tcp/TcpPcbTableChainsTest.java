package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpState;

/**
 * The connection hash's chains, linked through the pcbs, and the locks its buckets share: every connection is
 * found by its 4-tuple and by no other, a 4-tuple enters once, a connection leaves from the head, the middle or
 * the end of a chain, and a snapshot holds exactly the connections in the hash; in a table of 4 buckets (chains
 * of 50) and in one of 65,536 (whose buckets share 256 locks).
 */
class TcpPcbTableChainsTest {
    private static final TcpFixture FIXTURE = new TcpFixture(LockMode.FINE);

    @Test
    void chainsOfAnyLengthFindInsertAndRemoveExactly() {
        for (int chains : new int[] {4, 65_536}) {
            TcpPcbTable table = FIXTURE.table(chains);
            assertEquals(chains, table.buckets());
            assertEquals(Math.min(chains, TcpPcbTable.HASH_LOCKS), table.hashLocks());
            int n = 200;
            List<Tcpcb> in = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Tcpcb tp = FIXTURE.pcb(TcpState.ESTABLISHED);
                assertTrue(insert(table, tp, 0x0A000001, 80, 0x0A000100 + i % 7, 10_000 + i), "connection " + i + " enters");
                in.add(tp);
            }
            // the same 4-tuple again is refused; the first stays the one found
            Tcpcb twin = FIXTURE.pcb(TcpState.ESTABLISHED);
            assertFalse(insert(table, twin, 0x0A000001, 80, 0x0A000100 + 5 % 7, 10_005));
            assertEquals(n, table.connections());
            for (int i = 0; i < n; i++) assertSame(in.get(i), lookup(table, 0x0A000001, 80, 0x0A000100 + i % 7, 10_000 + i));
            assertNull(lookup(table, 0x0A000001, 80, 0x0A000100, 10_001), "a 4-tuple of no connection (peer address of another)");
            assertNull(lookup(table, 0x0A000001, 81, 0x0A000100, 10_000), "another local port");
            // leave in a seeded order: heads, middles and ends of the chains alike
            SplittableRandom rnd = new SplittableRandom(chains);
            List<Tcpcb> left = new ArrayList<>(in);
            while (left.size() > n / 2) {
                Tcpcb tp = left.remove(rnd.nextInt(left.size()));
                remove(table, tp);
                assertNull(lookup(table, tp.laddr, tp.lport, tp.faddr, tp.fport), "a removed connection is not found");
                assertNull(tp.hashNext, "a removed connection keeps no link");
            }
            assertEquals(left.size(), table.connections());
            for (Tcpcb tp : left) assertSame(tp, lookup(table, tp.laddr, tp.lport, tp.faddr, tp.fport));
            assertEquals(new HashSet<>(left), new HashSet<>(table.snapshot()));
            assertEquals(left.size(), table.snapshot().size());
            for (Tcpcb tp : left) remove(table, tp);
            assertEquals(0, table.connections());
            assertTrue(table.snapshot().isEmpty());
        }
    }

    private static boolean insert(TcpPcbTable table, Tcpcb tp, int laddr, int lport, int faddr, int fport) {
        tp.lock.lock();
        try {
            tp.laddr = laddr;
            tp.lport = lport;
            tp.faddr = faddr;
            tp.fport = fport;
            return table.insertLocked(tp);
        } finally {
            tp.lock.unlock();
        }
    }

    private static void remove(TcpPcbTable table, Tcpcb tp) {
        tp.lock.lock();
        try {
            table.removeLocked(tp);
        } finally {
            tp.lock.unlock();
        }
    }

    private static Tcpcb lookup(TcpPcbTable table, int laddr, int lport, int faddr, int fport) {
        table.tcbinfo.lockShared();
        try {
            return table.lookupConnectionLocked(laddr, lport, faddr, fport);
        } finally {
            table.tcbinfo.unlockShared();
        }
    }
}
