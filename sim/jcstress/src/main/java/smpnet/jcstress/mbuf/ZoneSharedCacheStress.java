package smpnet.jcstress.mbuf;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import smpnet.stack.internal.mbuf.Zone;
import smpnet.stack.mbuf.ZoneStats;

/**
 * Two threads that hash to the same CPU share its cache: correctness must not depend on CPU binding. Each
 * allocates one item and frees another through cache 0 (whose free spills a bucket when full); the two
 * allocations must get different items and the counters must add up.
 *
 * <p>Setup: limit 6, buckets of 2 (a cache holds 4). All 6 created; 3 freed into cache 0; 3 held.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "distinct items, counters consistent")
@Outcome(expect = Expect.FORBIDDEN, desc = "one item handed out twice, or counters inconsistent")
@State
public class ZoneSharedCacheStress {
    private final Zone<Integer> zone = new Zone<>("items", 2, 6, 2, 0, i -> i);
    private final Integer[] held = new Integer[3];
    private Integer got1;
    private Integer got2;

    public ZoneSharedCacheStress() {
        Integer[] all = new Integer[6];
        for (int i = 0; i < 6; i++) all[i] = zone.alloc(0, Zone.NOWAIT);
        for (int i = 0; i < 3; i++) zone.free(0, all[i]);
        System.arraycopy(all, 3, held, 0, 3);
    }

    @Actor
    public void thread1() {
        got1 = zone.alloc(0, Zone.NOWAIT);
        zone.free(0, held[0]);
    }

    @Actor
    public void thread2() {
        got2 = zone.alloc(0, Zone.NOWAIT);
        zone.free(0, held[1]);
    }

    @Arbiter
    public void check(II_Result r) {
        r.r1 = got1 != null && got2 != null && !got1.equals(got2) ? 1 : 0;
        ZoneStats s = zone.stats();
        r.r2 = s.created() == 6 && s.inUse() == 3 && s.cached() + s.free() == 3 ? 1 : 0;
    }
}
