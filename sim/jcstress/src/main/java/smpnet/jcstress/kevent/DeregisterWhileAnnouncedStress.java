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
 * A program deregisters a socket while the socket announces a change (two actors: JCStress runs a test only
 * with a CPU per actor, and CI has two; the poll's side of an announcement is {@link ReadinessWakeupStress}'s).
 * Leaving the active queue only marks the registration's entry stale (a poll passes over it), and an
 * announcement that comes after must not put a deregistered registration back: the poll after both reports
 * the socket that stayed, and not the one that left.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the socket that stayed reported, the one that left not")
@Outcome(expect = Expect.FORBIDDEN, desc = "a deregistered socket reported, or the other one lost")
@State
public class DeregisterWhileAnnouncedStress {
    private final EventQueue queue = new EventQueue();
    private final ReadinessWakeupStress.Source leaving = new ReadinessWakeupStress.Source();
    private final ReadinessWakeupStress.Source staying = new ReadinessWakeupStress.Source();

    public DeregisterWhileAnnouncedStress() {
        queue.register(leaving, EventQueue.READ, false, "leaving");
        queue.register(staying, EventQueue.READ, false, "staying");
        staying.ready = EventQueue.READ;
        staying.watcher.readinessChanged();
    }

    @Actor
    public void programDeregisters() {
        queue.deregister(leaving);
    }

    @Actor
    public void segmentArrives() {
        leaving.ready = EventQueue.READ;
        Pollable.Watcher w = leaving.watcher;
        if (w != null) w.readinessChanged();
    }

    @Arbiter
    public void after(II_Result r) {
        var events = queue.poll(4, Duration.ZERO);
        r.r1 = (int) events.stream().filter(e -> e.source() == staying).count();
        r.r2 = (int) events.stream().filter(e -> e.source() == leaving).count();
    }
}
