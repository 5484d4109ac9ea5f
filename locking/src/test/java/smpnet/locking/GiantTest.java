package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Behaviour of {@link Giant}: a recursive sleep mutex that also stands in for a shared lock. */
class GiantTest {
    @Test
    void sharedCallsAreRecursiveExclusiveAcquisitions() {
        Giant g = new Giant();
        SharedExclusiveLock asShared = g;
        asShared.lockShared();
        assertTrue(asShared.tryLockShared());
        g.lock();
        assertEquals(3, g.recursionDepth());
        asShared.assertShared();
        asShared.assertExclusive();
        g.assertRecursed();
        assertTrue(g.isHeld());
        assertEquals("Giant", g.className());
        assertTrue(g.toString().startsWith("Giant \"Giant\" @"));
        g.unlock();
        asShared.unlockShared();
        asShared.unlockShared();
        assertFalse(g.isOwned());
    }

    @Test
    void releaseAllAndReacquireRestoreTheDepth() {
        Giant g = new Giant();
        g.lock();
        g.lock();
        int depth = g.releaseAll();
        assertEquals(2, depth);
        assertFalse(g.isOwned());
        g.reacquire(depth);
        assertEquals(2, g.recursionDepth());
        g.releaseAll();
        g.assertNotOwned();
    }

    @Test
    void eachStackInstanceHasItsOwnGiant() {
        Giant a = new Giant();
        Giant b = new Giant();
        a.lock();
        assertTrue(b.tryLock());
        b.unlock();
        a.unlock();
    }
}
