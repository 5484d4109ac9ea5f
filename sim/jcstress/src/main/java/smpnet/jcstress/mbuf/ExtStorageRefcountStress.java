package smpnet.jcstress.mbuf;

import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/**
 * Two workers each free one of two mbufs sharing a caller's region. The completion (which wipes the region,
 * as an owner reusing it would) must run exactly once, and never before both have read their data.
 */
@JCStressTest
@Outcome(id = "42, 42, 1", expect = Expect.ACCEPTABLE, desc = "both read intact data, one completion")
@Outcome(expect = Expect.FORBIDDEN, desc = "early completion (wiped data) or not exactly one completion")
@State
public class ExtStorageRefcountStress {
    private static final MbufAllocator ALLOC = new MbufAllocator(
            MbufAllocator.Config.defaults("jcstress-ext").withCpus(2).withTracking(false));

    private final byte[] region = {42, 42, 42, 42};
    private int completions;
    private final Mbuf first;
    private final Mbuf second;

    public ExtStorageRefcountStress() {
        first = ALLOC.getExternal(MemorySegment.ofArray(region), false, this::complete, Mbuf.M_NOWAIT);
        second = first.copyRange(0, 4, Mbuf.M_NOWAIT);
    }

    private void complete() {
        completions++;
        region[0] = 0;
        region[1] = 0;
    }

    @Actor
    public void worker1(III_Result r) {
        r.r1 = first.getU8(0);
        first.free();
    }

    @Actor
    public void worker2(III_Result r) {
        r.r2 = second.getU8(1);
        second.free();
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = completions;
    }
}
