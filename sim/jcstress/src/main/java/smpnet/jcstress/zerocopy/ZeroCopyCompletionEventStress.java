package smpnet.jcstress.zerocopy;

import java.lang.foreign.MemorySegment;
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
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/**
 * A zero-copy send's completion as the stack delivers it: the region's anchor (freed by TCP at the last
 * ACK) and a segment referencing the region (freed by a NIC thread, which then polls the queue as an
 * application on it would) go on two threads at once; the last free posts the one completion event. The
 * event is reported exactly once: by the concurrent poll or by the one after everything (never by both,
 * never lost). Two actors, so it runs on two CPUs.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1"}, expect = Expect.ACCEPTABLE, desc = "one event, seen by exactly one poll")
@Outcome(expect = Expect.FORBIDDEN, desc = "the event was lost or reported twice")
@State
public class ZeroCopyCompletionEventStress {
    private static final MbufAllocator ALLOC = new MbufAllocator(
            MbufAllocator.Config.defaults("jcstress-zc").withCpus(3).withTracking(false));
    private static final Pollable SOCKET = new Pollable() {
        @Override public int readyOps() { return 0; }

        @Override public void addWatcher(Watcher w) {}

        @Override public void removeWatcher(Watcher w) {}
    };

    private final EventQueue queue = new EventQueue();
    private final Mbuf anchor;
    private final Mbuf segment;

    public ZeroCopyCompletionEventStress() {
        anchor = ALLOC.getExternal(MemorySegment.ofArray(new byte[64]), true,
                () -> queue.post(SOCKET, EventQueue.ZEROCOPY, "send#1"), Mbuf.M_NOWAIT);
        segment = anchor.copyRange(16, 32, Mbuf.M_NOWAIT);
    }

    @Actor
    public void lastAck() {
        anchor.free();
    }

    @Actor
    public void nicReclaimThenPoll(II_Result r) {
        segment.free();
        r.r1 = queue.poll(4, Duration.ZERO).size();
    }

    @Arbiter
    public void after(II_Result r) {
        r.r2 = queue.poll(4, Duration.ZERO).size();
    }
}
