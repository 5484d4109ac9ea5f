package smpnet.jcstress.mbuf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * CPU 0 frees items while CPU 1 allocates: cpu0's cache spills a bucket into the pool while cpu1's refills
 * from it (or, if the pool is still empty, takes from cpu0's cache on the exhaustion path). No item may be
 * lost or handed out twice, and the counters must add up.
 *
 * <p>Setup: limit 8, buckets of 2 (a cache holds 4). All 8 created; 3 freed into cpu0's cache; 5 held.
 */
@JCStressTest
@Outcome(id = "3, 8, 1", expect = Expect.ACCEPTABLE, desc = "every allocation served, 8 distinct items, counters consistent")
@Outcome(expect = Expect.FORBIDDEN, desc = "an item lost, duplicated, or counters inconsistent")
@State
public class ZoneCacheExchangeStress {
    private static final int LIMIT = 8;

    private final Zone<Integer> zone = new Zone<>("items", 2, LIMIT, 2, 0, i -> i);
    private final List<Integer> held = new ArrayList<>();
    private final List<Integer> got = new ArrayList<>();

    public ZoneCacheExchangeStress() {
        for (int i = 0; i < LIMIT; i++) held.add(zone.alloc(0, Zone.NOWAIT));
        for (int i = 0; i < 3; i++) zone.free(0, held.removeLast());
    }

    @Actor
    public void cpu0Frees() {
        zone.free(0, held.removeLast());
        zone.free(0, held.removeLast());
    }

    @Actor
    public void cpu1Allocates(III_Result r) {
        int ok = 0;
        for (int i = 0; i < 3; i++) {
            Integer item = zone.alloc(1, Zone.NOWAIT);
            if (item != null) {
                got.add(item);
                ok++;
            }
        }
        r.r1 = ok;
    }

    @Arbiter
    public void check(III_Result r) {
        ZoneStats s = zone.stats();
        r.r3 = s.created() == s.inUse() + s.cached() + s.free() && s.inUse() == held.size() + got.size() ? 1 : 0;
        Set<Integer> all = new HashSet<>(held);
        all.addAll(got);
        int count = held.size() + got.size();
        for (int cpu = 0; cpu < 2; cpu++) {
            for (Integer item; (item = zone.alloc(cpu, Zone.NOWAIT)) != null; count++) all.add(item);
        }
        r.r2 = all.size() == count ? all.size() : -count;
    }
}
