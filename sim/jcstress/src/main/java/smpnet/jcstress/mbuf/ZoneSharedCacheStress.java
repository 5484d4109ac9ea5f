package smpnet.jcstress.mbuf;

import java.util.HashSet;
import java.util.Set;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.stack.internal.mbuf.Zone;
import smpnet.stack.mbuf.ZoneStats;

/**
 * Two threads that hash to the same CPU share its cache: correctness must not depend on CPU binding. Each
 * allocates one item and frees another through cache 0 (whose free spills a bucket when full). A thread
 * that finds cache 0 held by the other passes it by through the pool (counted as busy). The two
 * allocations must get different items, no item may be lost or doubled (the arbiter drains the zone and
 * counts them), and the counters must add up exactly whichever way each operation went.
 *
 * <p>Setup: limit 6, buckets of 2 (a cache holds 4). All 6 created; 3 freed into cache 0; 3 held.
 * r3 is how many of the four operations found the cache busy: at most two, since an operation finds it
 * busy only while one of the other thread's two holds it.
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "distinct items, counters exact, no cache busy")
@Outcome(id = {"1, 1, 1", "1, 1, 2"}, expect = Expect.ACCEPTABLE_INTERESTING,
        desc = "the same, with operations that passed the busy cache by through the pool")
@Outcome(expect = Expect.FORBIDDEN, desc = "one item handed out twice or lost, or counters inexact")
@State
public class ZoneSharedCacheStress {
    private static final int LIMIT = 6;

    private final Zone<Integer> zone = new Zone<>("items", 2, LIMIT, 2, 0, i -> i);
    private final Integer[] held = new Integer[3];
    private Integer got1;
    private Integer got2;

    public ZoneSharedCacheStress() {
        Integer[] all = new Integer[LIMIT];
        for (int i = 0; i < LIMIT; i++) all[i] = zone.alloc(0, Zone.NOWAIT);
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
    public void check(III_Result r) {
        r.r1 = got1 != null && got2 != null && !got1.equals(got2) ? 1 : 0;
        ZoneStats s = zone.stats();
        boolean exact = s.created() == LIMIT && s.inUse() == 3 && s.cached() + s.free() == 3
                && s.allocs() == LIMIT + 2 && s.frees() == 3 + 2
                && s.busyAllocs() <= s.poolAllocs() && s.busyFrees() <= s.poolFrees();
        // Drain: the three free items plus the three in use (got1, got2, held[2]) are the six, once each.
        Set<Integer> all = new HashSet<>();
        int count = 0;
        for (Integer item : new Integer[] {got1, got2, held[2]}) {
            if (item != null && all.add(item)) count++;
        }
        for (Integer item; (item = zone.alloc(1, Zone.NOWAIT)) != null; ) {
            if (all.add(item)) count++;
            else exact = false;
        }
        r.r2 = exact && count == LIMIT ? 1 : 0;
        r.r3 = (int) (s.busyAllocs() + s.busyFrees());
    }
}
