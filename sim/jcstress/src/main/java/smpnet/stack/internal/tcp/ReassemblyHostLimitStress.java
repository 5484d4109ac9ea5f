package smpnet.stack.internal.tcp;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;

/**
 * Two connections, each under its own lock, queue an out-of-order segment opening a new run at the same
 * moment, with the host's limit (net.inet.tcp.reass.maxsegments) at one run and none queued yet. The limit is
 * read, not reserved: one may be refused ({@code DROPPED_HOST_LIMIT}, -2), or both may pass it, the documented
 * overshoot of one run per connection adding at once. Whatever happens, the host-wide count is exactly the
 * runs queued: no update is lost. r1, r2: what each add returned (1: the byte stored); r3: the host's count.
 */
@JCStressTest
@Outcome(id = {"1, -2, 1", "-2, 1, 1"}, expect = ACCEPTABLE, desc = "one run queued, the other refused")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE_INTERESTING, desc = "both read the limit before either counted")
@Outcome(expect = FORBIDDEN, desc = "a count that is not the runs queued, or both refused")
@State
public class ReassemblyHostLimitStress {
    private static final MbufAllocator ALLOC = new MbufAllocator(
            MbufAllocator.Config.defaults("jcstress-reass").withCpus(2).withTracking(false));
    private final AtomicInteger host = new AtomicInteger();
    private final TcpReassemblyQueue a = new TcpReassemblyQueue(16, 65536, host);
    private final TcpReassemblyQueue b = new TcpReassemblyQueue(16, 65536, host);
    private final Mbuf da = ALLOC.fromBytes(new byte[] {1}, 0, 1, Mbuf.M_WAIT);
    private final Mbuf db = ALLOC.fromBytes(new byte[] {2}, 0, 1, Mbuf.M_WAIT);

    public ReassemblyHostLimitStress() {
        a.setLimits(100, Long.MAX_VALUE, 1);
        b.setLimits(100, Long.MAX_VALUE, 1);
    }

    @Actor
    public void connectionA(III_Result r) { r.r1 = a.add(1100, da, false, 1000); }

    @Actor
    public void connectionB(III_Result r) { r.r2 = b.add(5100, db, false, 5000); }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = host.get();
        a.drain();
        b.drain();
    }
}
