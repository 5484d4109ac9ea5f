package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.mbuf.Mbuf.M_NOWAIT;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;

/**
 * Flow control's XON: a sender paused on a full ring ({@link DriverQueue#reserve}) is resumed once the
 * draining thread has freed half the ring ({@link DriverQueue#resumeRoom}), not at its first free slot.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class RingResumeTest {
    private final MbufAllocator alloc = new MbufAllocator(MbufAllocator.Config.defaults("ring-resume"));

    /** A ring of 8 descriptors whose draining thread is the test itself (takeBatch called by hand). */
    private static DriverQueue ring() {
        return new DriverQueue(0, 0, 8, 2, new StackLocks(LockMode.FINE).mutex(LockInventory.RXRING)) {
            @Override void drain() { throw new AssertionError("no thread drains this ring"); }
            @Override String threadName() { return "test-rx0"; }
        };
    }

    private void fill(DriverQueue q, int frames) {
        for (int i = 0; i < frames; i++) {
            assertTrue(q.reserve(0));
            q.enqueueReserved(alloc.get(M_NOWAIT), 0);
        }
    }

    /** Takes one batch (2 frames here) off the ring, as its draining thread would, and frees it. */
    private static int takeAndFree(DriverQueue q) {
        Mbuf[] frames = new Mbuf[2];
        int n = q.takeBatch(frames, null);
        for (int i = 0; i < n; i++) frames[i].freeChain();
        return n;
    }

    @Test
    void aPausedSenderResumesOnlyOnceHalfTheRingIsFree() throws Exception {
        DriverQueue q = ring();
        assertEquals(4, q.resumeRoom());
        fill(q, 8);
        assertFalse(q.reserve(0), "the ring is full");
        AtomicBoolean resumed = new AtomicBoolean();
        Thread sender = Thread.ofPlatform().start(() -> {
            // one paused wait, as a Wire's carry makes; true once it was woken with room
            resumed.set(q.reserve(TimeUnit.SECONDS.toNanos(60)));
        });
        awaitParked(sender);
        assertEquals(2, takeAndFree(q)); // 2 descriptors free: below the mark, the sender stays paused
        sender.join(200);
        assertTrue(sender.isAlive(), "resumed with 2 of 8 descriptors free");
        assertEquals(2, takeAndFree(q)); // 4 free: XON
        sender.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(sender.isAlive());
        assertTrue(resumed.get(), "the sender got a slot when resumed");
        q.enqueueReserved(alloc.get(M_NOWAIT), 0); // the resumed sender's frame: 5 on the ring
        assertEquals(java.util.List.of(2, 2, 1), java.util.List.of(takeAndFree(q), takeAndFree(q), takeAndFree(q)));
        assertEquals(0, alloc.outstanding());
    }

    /** Waits until {@code t} is parked (in the ring's condition variable). */
    private static void awaitParked(Thread t) throws InterruptedException {
        for (int i = 0; i < 30_000; i++) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) return;
            Thread.sleep(1);
        }
        throw new AssertionError("the sender never paused: " + t.getState());
    }
}
