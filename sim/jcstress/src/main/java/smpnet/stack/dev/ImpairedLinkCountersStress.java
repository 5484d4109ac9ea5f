package smpnet.stack.dev;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import smpnet.stack.dev.ImpairedLink.Counters;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.net.MacAddress;

/**
 * A transmit thread puts two frames on an {@link ImpairedLink} direction that loses every frame, on the free
 * scheduler, while another thread reads that direction's counters. The counters must be one snapshot (frames
 * and losses count the same frames: a read that does not take the direction's mutex can see a frame counted
 * before its loss), and at the end both frames are counted sent and lost. Loss decides before any timer, so nothing here depends on timing or leaves
 * a frame behind. This class sits in the link's package because transmit threads reach the link through the
 * package-private {@code carry}, as a NIC's do.
 */
@JCStressTest
@Outcome(id = {"0, 0, 2, 2", "1, 1, 2, 2", "2, 2, 2, 2"}, expect = Expect.ACCEPTABLE,
        desc = "the reader's snapshot holds 0, 1 or 2 of the sender's frames, each counted sent and lost")
@Outcome(expect = Expect.FORBIDDEN, desc = "torn snapshot (a frame counted sent but not yet lost) or a lost count")
@State
public class ImpairedLinkCountersStress {
    private static final MbufAllocator ALLOC = new MbufAllocator(
            MbufAllocator.Config.defaults("jcstress-link").withCpus(2).withTracking(false));
    private static final StackLocks LOCKS = new StackLocks(LockMode.FINE);
    private static final byte[] FRAME = new byte[60];

    // A NIC takes one cable at a time, and JCStress makes many states before it runs them: each its own pair.
    private final SimNic a = new SimNic("a-em0", 1, MacAddress.local(1), 1500, NicConfig.of(1), LOCKS, ALLOC);
    private final SimNic b = new SimNic("b-em0", 2, MacAddress.local(2), 1500, NicConfig.of(1), LOCKS, ALLOC);
    private final ImpairedLink link = ImpairedLink.connect(a, b, Impairments.NONE.withLoss(1), Impairments.NONE, 3, 0);

    private void send() {
        link.carry(true, ALLOC.fromBytes(FRAME, 0, FRAME.length, Mbuf.M_NOWAIT));
    }

    @Actor
    public void sender(IIII_Result r) {
        send();
        send();
    }

    @Actor
    public void reader(IIII_Result r) {
        Counters c = link.counters(true);
        r.r1 = (int) c.frames();
        r.r2 = (int) c.lost();
    }

    @Arbiter
    public void check(IIII_Result r) {
        Counters c = link.counters(true);
        r.r3 = (int) c.frames();
        r.r4 = (int) c.lost();
    }
}
