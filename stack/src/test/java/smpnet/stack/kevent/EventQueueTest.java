package smpnet.stack.kevent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    /** A pollable whose readiness the test sets by hand, announcing each change as a socket does. */
    static class FakeSocket implements Pollable {
        private volatile int ready;
        private final List<Watcher> watchers = new ArrayList<>();
        final String name;

        FakeSocket(String name) { this.name = name; }

        void set(int ops) {
            ready = ops;
            List<Watcher> ws;
            synchronized (watchers) { ws = List.copyOf(watchers); }
            ws.forEach(Watcher::readinessChanged);
        }

        @Override public int readyOps() { return ready; }
        @Override public void addWatcher(Watcher w) { synchronized (watchers) { watchers.add(w); } }
        @Override public void removeWatcher(Watcher w) { synchronized (watchers) { watchers.remove(w); } }
        int watchers() { synchronized (watchers) { return watchers.size(); } }
    }

    private static String names(List<EventQueue.Event> events) {
        StringBuilder b = new StringBuilder();
        for (EventQueue.Event e : events) b.append(e.attachment()).append(':').append(e.ready()).append(' ');
        return b.toString().trim();
    }

    @Test void levelTriggeredReportsWhileReady() {
        EventQueue q = new EventQueue();
        FakeSocket a = new FakeSocket("a"), b = new FakeSocket("b");
        q.register(a, EventQueue.READ, false, "a");
        q.register(b, EventQueue.READ | EventQueue.WRITE, false, "b");
        assertEquals("", names(q.poll(10, Duration.ZERO)));
        a.set(EventQueue.READ);
        b.set(EventQueue.WRITE);
        assertEquals("a:1 b:2", names(q.poll(10, Duration.ZERO)));
        assertEquals("a:1 b:2", names(q.poll(10, Duration.ZERO)), "still ready: reported again");
        a.set(0);
        assertEquals("b:2", names(q.poll(10, Duration.ZERO)));
        assertEquals("b:2", names(q.poll(1, Duration.ZERO)), "max bounds the batch");
    }

    @Test void edgeTriggeredReportsOncePerChange() {
        EventQueue q = new EventQueue();
        FakeSocket a = new FakeSocket("a");
        q.register(a, EventQueue.READ, true, "a");
        a.set(EventQueue.READ);
        assertEquals("a:1", names(q.poll(10, Duration.ZERO)));
        assertEquals("", names(q.poll(10, Duration.ZERO)), "no new change: nothing, though still readable");
        a.set(EventQueue.READ);
        assertEquals("a:1", names(q.poll(10, Duration.ZERO)));
    }

    @Test void errorIsAlwaysReportedAndInterestMasks() {
        EventQueue q = new EventQueue();
        FakeSocket a = new FakeSocket("a");
        q.register(a, EventQueue.READ, false, "a");
        a.set(EventQueue.WRITE);
        assertEquals("", names(q.poll(10, Duration.ZERO)), "WRITE not asked for");
        a.set(EventQueue.WRITE | EventQueue.ERROR);
        assertEquals("a:4", names(q.poll(10, Duration.ZERO)));
    }

    @Test void deregisterAndReregister() {
        EventQueue q = new EventQueue();
        FakeSocket a = new FakeSocket("a");
        q.register(a, EventQueue.READ, false, "first");
        q.register(a, EventQueue.READ, false, "second");
        assertEquals(1, a.watchers());
        assertEquals(1, q.size());
        a.set(EventQueue.READ);
        assertEquals("second:1", names(q.poll(10, Duration.ZERO)));
        assertTrue(q.deregister(a));
        assertFalse(q.deregister(a));
        assertEquals(0, a.watchers());
        assertEquals("", names(q.poll(10, Duration.ZERO)));
    }

    /**
     * Registrations leave the active list from anywhere in it (head, middle, tail) and the rest keep their
     * order: what a server with many ready connections does when it deregisters or re-arms one of them.
     */
    @Test void deregisterFromAnywhereInTheActiveList() {
        EventQueue q = new EventQueue();
        List<FakeSocket> s = new ArrayList<>();
        for (String n : List.of("a", "b", "c", "d", "e")) {
            FakeSocket f = new FakeSocket(n);
            s.add(f);
            q.register(f, EventQueue.READ, false, n);
            f.set(EventQueue.READ);
        }
        assertTrue(q.deregister(s.get(2)), "the middle");
        assertTrue(q.deregister(s.get(0)), "the head");
        assertTrue(q.deregister(s.get(4)), "the tail");
        q.register(s.get(2), EventQueue.READ, false, "c2");
        q.register(s.get(1), EventQueue.READ | EventQueue.WRITE, false, "b2"); // replaces b, in the middle
        assertEquals("d:1 c2:1 b2:1", names(q.poll(10, Duration.ZERO)));
        assertEquals("d:1 c2:1", names(q.poll(2, Duration.ZERO)), "max bounds the batch; the rest wait their turn");
        assertEquals("b2:1 d:1 c2:1", names(q.poll(10, Duration.ZERO)), "level-triggered: put back last, in order");
        for (FakeSocket f : s) f.set(0);
        assertEquals("", names(q.poll(10, Duration.ZERO)));
        assertEquals("", names(q.poll(10, Duration.ZERO)), "not ready: left the list");
        s.get(3).set(EventQueue.READ);
        assertEquals("d:1", names(q.poll(10, Duration.ZERO)));
        assertEquals(3, q.size());
    }

    /**
     * A poll touches each source it reports once (the cache hint, {@link Pollable#touch}), after it released the
     * queue's lock: a touch that calls back into the queue finds it free (its mutex is not recursive), and a
     * source registered but not ready is not touched.
     */
    @Test void aPollTouchesWhatItReportsOutsideItsLock() {
        EventQueue q = new EventQueue();
        List<String> touched = new ArrayList<>();
        class Touching extends FakeSocket {
            Touching(String n) { super(n); }
            @Override public int touch() {
                touched.add(name + " with " + q.size() + " registered");
                return 1;
            }
        }
        Touching a = new Touching("a"), b = new Touching("b"), c = new Touching("c");
        for (Touching t : List.of(a, b, c)) q.register(t, EventQueue.READ, false, t.name);
        a.set(EventQueue.READ);
        c.set(EventQueue.READ);
        assertEquals("a:1 c:1", names(q.poll(10, Duration.ZERO)));
        assertEquals(List.of("a with 3 registered", "c with 3 registered"), touched);
    }

    /**
     * The active queue is a ring whose entries go stale when their registration leaves: a poll passes over
     * them, and the ring keeps the order of the live ones across its growth and the dropping of stale entries.
     */
    @Test void theActiveQueueKeepsItsOrderAcrossGrowthAndLeavers() {
        EventQueue q = new EventQueue();
        List<FakeSocket> s = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            FakeSocket f = new FakeSocket("s" + i);
            s.add(f);
            q.register(f, EventQueue.READ, false, "s" + i);
            f.set(EventQueue.READ);
        }
        for (int i = 0; i < 40; i += 2) assertTrue(q.deregister(s.get(i)));
        StringBuilder odd = new StringBuilder();
        for (int i = 1; i < 40; i += 2) odd.append(odd.isEmpty() ? "" : " ").append("s").append(i).append(":1");
        assertEquals(odd.toString(), names(q.poll(100, Duration.ZERO)));
        assertEquals(odd.toString(), names(q.poll(100, Duration.ZERO)), "put back in the same order");
        assertEquals(20, q.ringEntries(), "the stale entries were passed over and dropped");
        assertEquals(20, q.size());
    }

    /**
     * Registrations that come and go without a poll between leave stale entries behind; the ring drops them
     * when they are half of it, so it stays within twice the registrations queued (and its first size).
     */
    @Test void leaversWithoutAPollDoNotGrowTheQueue() {
        EventQueue q = new EventQueue();
        FakeSocket keep = new FakeSocket("keep");
        q.register(keep, EventQueue.READ, false, "keep");
        keep.set(EventQueue.READ);
        int most = 0;
        for (int i = 0; i < 100_000; i++) {
            FakeSocket f = new FakeSocket("f" + i);
            f.set(EventQueue.READ);
            q.register(f, EventQueue.READ, false, "f");
            assertTrue(q.deregister(f));
            most = Math.max(most, q.ringEntries());
        }
        assertTrue(most <= 16, "at most the ring's first size: " + most);
        assertEquals("keep:1", names(q.poll(10, Duration.ZERO)));
        assertEquals(1, q.ringEntries());
    }

    /**
     * A socket that becomes readable while it is being registered, just as a poll (another thread's) finds it
     * not ready yet: the change is reported all the same. The socket announces it from inside addWatcher,
     * before the new watcher is on its list, where a concurrent announcement can come.
     */
    @Test void aChangeWhileRegisteringIsNotLost() {
        EventQueue q = new EventQueue();
        FakeSocket a = new FakeSocket("a") {
            boolean once = true;

            @Override public void addWatcher(Watcher w) {
                if (once) {
                    once = false;
                    assertEquals("", names(q.poll(10, Duration.ZERO)));
                    set(EventQueue.READ);
                }
                super.addWatcher(w);
            }
        };
        q.register(a, EventQueue.READ, false, "a");
        assertEquals("a:1", names(q.poll(10, Duration.ZERO)));
    }

    /**
     * A socket that announces a change as soon as the new watcher is on its list, before the registration
     * is complete: no poll reports it until then (a poller that took it then could not deregister it, and
     * would hand it out again with its next poll), and the first poll after reports it.
     */
    @Test void noEventBeforeTheRegistrationIsComplete() {
        EventQueue q = new EventQueue();
        List<String> during = new ArrayList<>();
        FakeSocket a = new FakeSocket("a") {
            @Override public void addWatcher(Watcher w) {
                super.addWatcher(w);
                set(EventQueue.READ);
                during.add(names(q.poll(10, Duration.ZERO)));
                during.add(String.valueOf(q.deregister(this)));
            }
        };
        q.register(a, EventQueue.READ, false, "a");
        assertEquals(List.of("", "false"), during);
        assertEquals("a:1", names(q.poll(10, Duration.ZERO)));
        assertTrue(q.deregister(a));
    }

    @Test void pollWaitsForAnotherThreadsChange() throws Exception {
        EventQueue q = new EventQueue();
        FakeSocket a = new FakeSocket("a");
        q.register(a, EventQueue.READ, true, "a");
        CountDownLatch polling = new CountDownLatch(1);
        Thread t = new Thread(() -> { polling.countDown(); a.set(EventQueue.READ); });
        t.start();
        polling.await();
        assertEquals("a:1", names(q.poll(10, Duration.ofSeconds(30))));
        t.join();
    }
}
