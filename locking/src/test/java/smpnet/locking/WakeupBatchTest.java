package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A thread's wake-up batch: held back until the outermost close, kept for the thread's next batches. */
class WakeupBatchTest {
    /** The free scheduler, recording whom it is asked to unpark. */
    private static final class Recording implements Scheduler {
        final List<Thread> unparked = new CopyOnWriteArrayList<>();
        private final Scheduler free = FreeScheduler.INSTANCE;

        @Override public long nanoTime() { return free.nanoTime(); }
        @Override public Thread startWorker(String name, int cpu, Runnable body) { return free.startWorker(name, cpu, body); }
        @Override public int currentCpu() { return free.currentCpu(); }
        @Override public void park(Object blocker) { free.park(blocker); }
        @Override public void parkNanos(Object blocker, long nanos) { free.parkNanos(blocker, nanos); }
        @Override public void spinWait(int iteration) { free.spinWait(iteration); }
        @Override public Cancellable schedule(long delayNanos, Runnable task) { return free.schedule(delayNanos, task); }
        @Override public boolean isRunnable(Thread thread) { return free.isRunnable(thread); }

        @Override
        public void unpark(Thread thread) {
            unparked.add(thread);
            free.unpark(thread);
        }
    }

    /** Starts a thread that waits on {@code cv} once, and returns it once it is parked there. */
    private static Thread waiter(Mutex m, CondVar cv) throws InterruptedException {
        Thread t = Thread.ofPlatform().start(() -> {
            m.lock();
            cv.await(m);
            m.unlock();
        });
        while (t.getState() != Thread.State.WAITING) Thread.sleep(1);
        return t;
    }

    @Test
    void aSignalInNestedBatchesWakesAtTheOutermostCloseAndTheBatchIsKept() throws Exception {
        Recording rec = new Recording();
        try (Schedulers.Installation ignored = Schedulers.use(rec)) {
            Mutex m = new Mutex("batch_test");
            CondVar cv = new CondVar("batch_cv");
            Thread a = waiter(m, cv);
            WakeupBatch outer = WakeupBatch.open();
            try (WakeupBatch inner = WakeupBatch.open()) {
                assertSame(outer, inner, "a nested open joins the thread's batch");
                m.lock();
                cv.signal();
                m.unlock();
            }
            assertEquals(List.of(), rec.unparked, "held back through the inner close");
            outer.close();
            assertEquals(List.of(a), rec.unparked, "unparked by the outermost close");
            a.join();

            // closed, the batch holds nothing back: a signal unparks at once; the next open is the same batch
            Thread b = waiter(m, cv);
            m.lock();
            cv.signal();
            m.unlock();
            b.join();
            // b may wake before m is released and then wait for m, whose release unparks it again
            assertEquals(List.of(a, b), rec.unparked.subList(0, 2), "the signal unparked b at once");
            for (Thread t : rec.unparked.subList(2, rec.unparked.size())) assertSame(b, t, "only b, handed m");
            try (WakeupBatch again = WakeupBatch.open()) {
                assertSame(outer, again, "the thread keeps its batch: no allocation per batch");
            }
            assertThrows(IllegalStateException.class, outer::close);
        }
    }

    @Test
    void eachThreadHasItsOwnBatch() throws Exception {
        WakeupBatch[] other = new WakeupBatch[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try (WakeupBatch b = WakeupBatch.open()) {
                other[0] = b;
            }
        });
        t.join();
        try (WakeupBatch mine = WakeupBatch.open()) {
            assertTrue(mine != other[0], "a batch is its thread's alone");
        }
    }
}
