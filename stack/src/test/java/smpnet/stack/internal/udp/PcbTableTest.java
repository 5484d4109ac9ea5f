package smpnet.stack.internal.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.witness.junit.WitnessExtension;

/** The UDP pcb table: bind conflicts, ephemeral ports, and which pcb a datagram belongs to. */
@ExtendWith(WitnessExtension.class)
class PcbTableTest {
    private static final int A1 = 0x0a000001;
    private static final int A2 = 0x0a000002;
    private static final int PEER = 0x0a000009;
    private final StackLocks locks = new StackLocks(LockMode.FINE);
    private final PcbTable table = new PcbTable(locks.rwlock(LockInventory.UDBINFO));
    private static final UdpReceiver NONE = new UdpReceiver() {
        @Override public boolean deliverLocked(int srcAddr, int srcPort, Mbuf payload) { return false; }
        @Override public void errorLocked(int error) { }
    };

    private Inpcb pcb() { return new Inpcb(locks.mutex(LockInventory.INP), NONE); }

    private int bind(Inpcb p, int addr, int port) {
        table.udbinfo.lock();
        p.lock.lock();
        try {
            return table.bindLocked(p, addr, port);
        } finally {
            p.lock.unlock();
            table.udbinfo.unlock();
        }
    }

    private void connect(Inpcb p, int laddr, int faddr, int fport) {
        table.udbinfo.lock();
        p.lock.lock();
        try {
            table.connectLocked(p, laddr, faddr, fport);
        } finally {
            p.lock.unlock();
            table.udbinfo.unlock();
        }
    }

    private Inpcb lookup(int dst, int dport, int src, int sport) {
        table.udbinfo.lockShared();
        try {
            return table.lookupLocked(dst, dport, src, sport);
        } finally {
            table.udbinfo.unlockShared();
        }
    }

    @Test void bindConflictsAndEphemeralPorts() {
        assertEquals(53, bind(pcb(), A1, 53));
        assertEquals(-1, bind(pcb(), A1, 53), "same address and port");
        assertEquals(-1, bind(pcb(), 0, 53), "a wildcard conflicts with every address");
        assertEquals(53, bind(pcb(), A2, 53), "another address is free");
        assertEquals(PcbTable.EPHEMERAL_FIRST, bind(pcb(), 0, 0));
        assertEquals(PcbTable.EPHEMERAL_FIRST + 1, bind(pcb(), 0, 0));
    }

    @Test void mostSpecificPcbWins() {
        Inpcb wildcard = pcb();
        Inpcb specific = pcb();
        Inpcb connected = pcb();
        bind(wildcard, 0, 7000);
        bind(specific, A1, 7001);
        bind(connected, A1, 7002);
        connect(connected, A1, PEER, 9);
        assertSame(wildcard, lookup(A2, 7000, PEER, 1));
        assertSame(specific, lookup(A1, 7001, PEER, 1));
        assertNull(lookup(A2, 7001, PEER, 1), "bound to A1 only");
        assertSame(connected, lookup(A1, 7002, PEER, 9));
        assertNull(lookup(A1, 7002, PEER, 10), "a connected pcb takes only its peer's datagrams");
        table.udbinfo.lock();
        connected.lock.lock();
        try {
            table.removeLocked(connected);
        } finally {
            connected.lock.unlock();
            table.udbinfo.unlock();
        }
        assertNull(lookup(A1, 7002, PEER, 9));
    }
}
