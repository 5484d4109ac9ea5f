package smpnet.stack.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Giant;
import smpnet.locking.Mutex;
import smpnet.locking.RmLock;
import smpnet.locking.RwLock;
import smpnet.locking.SharedExclusiveLock;
import smpnet.locking.SpinMutex;
import smpnet.locking.SxLock;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;
import smpnet.witness.junit.AllowLockOrder;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.internal.locks.LockOrder;
import smpnet.stack.internal.locks.WitnessOrderLoader;

/** The lock factory hands out the inventory's locks in fine mode and Giant for rows 3-10 in giant mode. */
@ExtendWith(WitnessExtension.class)
class StackLocksTest {

    @Test
    @AllowLockOrder(first = "rtentry", second = "ipq", reason = "reversed on purpose: witness must report it")
    void reversedInventoryOrderIsReportedByWitness() {
        StackLocks locks = new StackLocks(LockMode.FINE);
        Witness w = Witness.active();
        assertTrue(w.hasOrder("ipq", "rib"), "the declared chains are in witness's graph");
        assertTrue(w.hasOrder("rib", "rtentry"));
        assertTrue(w.hasOrder("sblock", "Giant"));
        assertTrue(w.hasOrder("netisr", "txring"));
        assertFalse(w.hasOrder("txring", "netisr"));
        List<Report> seen = new CopyOnWriteArrayList<>();
        ExclusiveLock route = locks.mutex(LockInventory.RTENTRY);
        ExclusiveLock fragments = locks.mutex(LockInventory.IPQ);
        try (Witness.Registration r = Witness.listen(seen::add)) {
            route.lock();
            fragments.lock(); // declared: ipq -> rib -> rtentry
            fragments.unlock();
            route.unlock();
        }
        assertEquals(1, seen.size(), seen.toString());
        assertEquals(ReportKind.DECLARED_ORDER_VIOLATION, seen.get(0).kind());
        assertTrue(seen.get(0).classes().containsAll(List.of("ipq", "rtentry")), seen.get(0).classes().toString());
    }

    @Test
    void fineModeCreatesANewLockOfEachClassAndKind() {
        StackLocks locks = new StackLocks(LockMode.FINE);
        ExclusiveLock inp1 = locks.mutex(LockInventory.INP);
        ExclusiveLock inp2 = locks.mutex(LockInventory.INP);
        assertNotSame(inp1, inp2);
        assertInstanceOf(Mutex.class, inp1);
        assertFalse(inp1 instanceof Giant);
        assertEquals("inp", inp1.className());
        SharedExclusiveLock udb = locks.rwlock(LockInventory.UDBINFO);
        assertInstanceOf(RmLock.class, udb, "udbinfo is read on every packet: a read-mostly lock");
        assertInstanceOf(RmLock.class, locks.rwlock(LockInventory.IF_ADDR));
        assertInstanceOf(RwLock.class, locks.rwlock(LockInventory.LLE_TABLE), "an ARP miss writes it from the packet path");
        assertEquals("udbinfo", udb.className());
        assertInstanceOf(SxLock.class, locks.sxlock(LockInventory.SBLOCK));
        assertInstanceOf(SpinMutex.class, locks.mutex(LockInventory.SLEEPQ));
        for (LockInventory c : LockInventory.values()) assertFalse(locks.usesGiant(c), c.className());
    }

    @Test
    void theReadMostlyExperimentSwitchGivesPlainRwLocks() {
        try {
            System.setProperty(StackLocks.READ_MOSTLY_PROPERTY, "off");
            StackLocks off = new StackLocks(LockMode.FINE);
            assertInstanceOf(RwLock.class, off.rwlock(LockInventory.UDBINFO));
            assertInstanceOf(RwLock.class, off.rwlock(LockInventory.IF_ADDR));
            System.setProperty(StackLocks.READ_MOSTLY_PROPERTY, "maybe");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new StackLocks(LockMode.FINE));
            assertEquals("smpnet.locks.readmostly must be on or off, not \"maybe\"", bad.getMessage());
        } finally {
            System.clearProperty(StackLocks.READ_MOSTLY_PROPERTY);
        }
        assertInstanceOf(RmLock.class, new StackLocks(LockMode.FINE).rwlock(LockInventory.UDBINFO));
    }

    @Test
    void giantModeReturnsGiantForRowsThreeToTenOnly() {
        StackLocks locks = new StackLocks(LockMode.GIANT);
        Giant g = locks.giant();
        assertSame(g, locks.mutex(LockInventory.INP));
        assertSame(g, locks.mutex(LockInventory.SO_RCV));
        assertSame(g, locks.rwlock(LockInventory.UDBINFO));
        assertSame(g, locks.rwlock(LockInventory.IF_ADDR));
        assertSame(g, locks.mutex(LockInventory.LLE));
        SharedExclusiveLock sblock = locks.sxlock(LockInventory.SBLOCK);
        assertInstanceOf(SxLock.class, sblock);
        ExclusiveLock netisr = locks.mutex(LockInventory.NETISR);
        ExclusiveLock txring = locks.mutex(LockInventory.TXRING);
        ExclusiveLock zone = locks.mutex(LockInventory.MBUF_ZONE);
        assertNotSame(g, netisr);
        assertNotSame(g, txring);
        assertNotSame(g, zone);
        assertEquals("netisr", netisr.className());
        for (LockInventory c : LockInventory.values()) {
            assertEquals(c.row() >= 3 && c.row() <= 10, locks.usesGiant(c), c.className());
        }
    }

    @Test
    void giantModeCodeAssertionsAndSharedRequestsWorkOnGiant() {
        StackLocks locks = new StackLocks(LockMode.GIANT);
        SharedExclusiveLock pcbinfo = locks.rwlock(LockInventory.UDBINFO);
        ExclusiveLock inp = locks.mutex(LockInventory.INP);
        pcbinfo.lockShared();
        inp.lock(); // the same Giant, recursively: protocol code is unchanged
        inp.assertOwned();
        pcbinfo.assertLocked();
        assertEquals(2, locks.giant().recursionDepth());
        inp.unlock();
        pcbinfo.unlockShared();
        locks.giant().assertNotOwned();
    }

    @Test
    void entryPointsTakeGiantUnlessFine() {
        for (LockMode mode : LockMode.values()) {
            StackLocks locks = new StackLocks(mode);
            boolean[] held = new boolean[1];
            locks.runEntryPoint(() -> held[0] = locks.giant().isOwned());
            assertEquals(mode != LockMode.FINE, held[0], mode.name());
            locks.giant().assertNotOwned();
        }
        StackLocks gof = new StackLocks(LockMode.GIANT_OVER_FINE);
        assertNotSame(gof.giant(), gof.mutex(LockInventory.INP));
    }

    @Test
    void dropAndPickupGiantRestoreTheDepth() {
        StackLocks locks = new StackLocks(LockMode.GIANT_OVER_FINE);
        assertEquals(0, locks.dropGiant());
        locks.enterEntryPoint();
        locks.giant().lock();
        int depth = locks.dropGiant();
        assertEquals(2, depth);
        locks.giant().assertNotOwned();
        locks.pickupGiant(depth);
        assertEquals(2, locks.giant().recursionDepth());
        locks.giant().unlock();
        locks.leaveEntryPoint();
        locks.giant().assertNotOwned();
    }

    @Test
    void wrongKindIsRefused() {
        StackLocks locks = new StackLocks(LockMode.FINE);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> locks.rwlock(LockInventory.INP));
        assertEquals("inp is a MUTEX class, not [RW, RM]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> locks.mutex(LockInventory.SBLOCK));
        assertThrows(IllegalArgumentException.class, () -> locks.sxlock(LockInventory.RIB));
    }

    @Test
    void orderIsDeclaredFromTheInventory() {
        new StackLocks(LockMode.FINE);
        assertTrue(WitnessOrderLoader.isLoaded(), "witness is on in tests: the order must be loaded");
        assertTrue(LockOrder.allows(LockInventory.SBLOCK, LockInventory.GIANT));
        assertTrue(LockOrder.allows(LockInventory.GIANT, LockInventory.INP));
        assertTrue(LockOrder.allows(LockInventory.UDBINFO, LockInventory.INP));
        assertTrue(LockOrder.allows(LockInventory.SO_SND, LockInventory.SO_RCV));
        assertFalse(LockOrder.allows(LockInventory.SO_RCV, LockInventory.SO_SND));
        assertFalse(LockOrder.allows(LockInventory.TCBINFO, LockInventory.UDBINFO));
        assertFalse(LockOrder.allows(LockInventory.UDBINFO, LockInventory.TCBINFO));
        assertFalse(LockOrder.allows(LockInventory.TXRING, LockInventory.NETISR));
        List<List<String>> chains = LockOrder.chains();
        assertEquals(List.of("sblock", "Giant", "tcbinfo", "inp", "tcphash", "syncache", "so_snd", "so_rcv", "ipq", "rib",
                "rtentry", "lle_table", "lle", "if_addr", "netisr", "txring", "callout", "mbuf_wait", "mbuf_cache",
                "mbuf_zone"), chains.get(0));
        assertEquals(List.of("sblock", "Giant", "udbinfo", "inp", "tcphash", "syncache", "so_snd", "so_rcv", "ipq", "rib",
                "rtentry", "lle_table", "lle", "if_addr", "netisr", "rxring", "sleepq", "mbuf_wait", "mbuf_cache",
                "mbuf_zone"), chains.get(1));
        assertEquals(4, chains.size());
        // 25 classes make 300 pairs; the 8 pairs of equal rank (tcbinfo/udbinfo, txring/rxring, and the six
        // among the four leaves callout, sleepq, bpf, kqueue) are left unordered.
        assertEquals(292, LockOrder.edges().size());
        assertEquals("sblock -> Giant", LockOrder.edges().get(0).toString());
        assertEquals("sblock -> Giant -> tcbinfo -> inp -> tcphash -> syncache -> so_snd -> so_rcv -> ipq -> rib -> rtentry"
                + " -> lle_table -> lle -> if_addr -> netisr -> txring -> callout -> mbuf_wait -> mbuf_cache -> mbuf_zone",
                LockOrder.describe().lines().findFirst().orElseThrow());
    }
}
