package smpnet.jcstress.zerocopy;

import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.stack.zerocopy.DirtyTracker;
import smpnet.stack.zerocopy.DirtyTracker.Backend;

/**
 * Two threads make their first writes through a write-barrier tracker at once, to pages 0 and 1 (one bitmap
 * word), while the second also ends a window. Each thread's bitmap is made on its first write and joined to
 * the tracker's list: the window ended mid-way sees its own thread's page and maybe the other's, and a window
 * ended after both sees both pages. A lost mark (a bitmap missing from the list, or one thread's bit
 * overwriting the other's) shows as fewer pages.
 */
@JCStressTest
@Outcome(id = {"1, 2", "2, 2"}, expect = Expect.ACCEPTABLE,
        desc = "the concurrent end sees the second writer's page and maybe the first's; the final end sees both")
@Outcome(expect = Expect.FORBIDDEN, desc = "a mark was lost")
@State
public class WriteBarrierMarksStress {
    private static final int PAGE = smpnet.stack.internal.os.Posix.pageSize();
    private final DirtyTracker tracker = DirtyTracker.open(MemorySegment.ofArray(new byte[2 * PAGE]), Backend.WRITE_BARRIER);

    @Actor
    public void first(II_Result r) {
        tracker.set(0, (byte) 1);
    }

    @Actor
    public void second(II_Result r) {
        tracker.set(PAGE, (byte) 1);
        r.r1 = tracker.end().pages().size();
    }

    @Arbiter
    public void check(II_Result r) {
        r.r2 = tracker.end().pages().size();
    }
}
