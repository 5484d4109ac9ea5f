package smpnet.jcstress.kevent;

import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;

/**
 * A socket becomes readable while the event loop polls: the announcement skips the queue's mutex when the
 * registration is on the active queue already, and the poll takes it off that queue just then. The change
 * must not be lost: the concurrent poll reports the socket, or the poll after everything does (a
 * level-triggered registration that was reported is put back, so that one reports it again).
 */
@JCStressTest
@Outcome(id = {"0, 1", "1, 1"}, expect = Expect.ACCEPTABLE, desc = "the change is reported by a poll")
@Outcome(expect = Expect.FORBIDDEN, desc = "the change was lost")
@State
public class ReadinessWakeupStress {
    /** A socket stand-in: its readiness, written before it tells its one watcher, as a socket does. */
    static final class Source implements Pollable {
        volatile int ready;
        volatile Watcher watcher;

        @Override public int readyOps() { return ready; }

        @Override public void addWatcher(Watcher w) { watcher = w; }

        @Override public void removeWatcher(Watcher w) { watcher = null; }
    }

    private final EventQueue queue = new EventQueue();
    private final Source socket = new Source();

    public ReadinessWakeupStress() {
        // A new registration is on the active queue: the race starts with the announcement's fast path open.
        queue.register(socket, EventQueue.READ, false, "s");
    }

    @Actor
    public void segmentArrives() {
        socket.ready = EventQueue.READ;
        socket.watcher.readinessChanged();
    }

    @Actor
    public void loopPolls(II_Result r) {
        r.r1 = queue.poll(4, Duration.ZERO).size();
    }

    @Arbiter
    public void after(II_Result r) {
        r.r2 = queue.poll(4, Duration.ZERO).size();
    }
}
