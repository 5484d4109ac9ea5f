package smpnet.sim.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.stack.internal.tcp.AckPolicy;
import smpnet.stack.locks.LockMode;

/**
 * The host's ACK policy is a seam ({@code Stack.tcpAckPolicy}): the runner hands the host to a hook before it
 * starts, a policy installed there decides every data segment's ACK, and the default is FreeBSD's rule.
 */
class AckPolicySeamTest {
    private static final String OPEN = """
            --tolerance_usecs=10000
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
            +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
            +0 > S 0:0(0) <...>
            +0.1 < S. 0:0(0) ack 1 win 65535 <mss 1000,sackOK,nop,nop>
            +0 > . 1:1(0) ack 1
            +0.1 < . 1:1001(1000) ack 1 win 65535
            +0 < . 1001:2001(1000) ack 1 win 65535
            """;
    /** FreeBSD's rule: the first segment waits, the second is acknowledged at once with it; the third waits 40 ms. */
    private static final String DELAYED = OPEN + """
            +0 > . 1:1(0) ack 2001
            +0.1 < . 2001:3001(1000) ack 1 win 65535
            +0.04 > . 1:1(0) ack 3001
            """;
    /** A policy that never delays: every segment acknowledged at once. */
    private static final String EVERY = OPEN.replace("+0 < . 1001:2001", "+0 > . 1:1(0) ack 1001\n+0 < . 1001:2001") + """
            +0 > . 1:1(0) ack 2001
            +0.1 < . 2001:3001(1000) ack 1 win 65535
            +0 > . 1:1(0) ack 3001
            """;

    private static Outcome run(String text, AckPolicy policy) throws Exception {
        Script script = ScriptParser.parse("seam.pkt", text);
        return policy == null ? ScriptRunner.run(script, LockMode.FINE, ScriptRunner.DEFAULT_SEED)
                : ScriptRunner.run(script, LockMode.FINE, ScriptRunner.DEFAULT_SEED, host -> host.tcpAckPolicy(policy));
    }

    @Test
    void theDefaultIsFreeBsdsDelayedAck() throws Exception {
        Outcome o = run(DELAYED, null);
        assertNull(o.failure(), () -> ScriptSuite.describe(o));
    }

    @Test
    void anInstalledPolicyDecidesEverySegmentsAck() throws Exception {
        List<AckPolicy.Arrival> seen = new ArrayList<>();
        Outcome o = run(EVERY, a -> {
            seen.add(a);
            return false;
        });
        assertNull(o.failure(), () -> ScriptSuite.describe(o));
        assertEquals(List.of(new AckPolicy.Arrival(1, 1000, 1, 1000, true, false),
                new AckPolicy.Arrival(1001, 1000, 1001, 1000, true, false),
                new AckPolicy.Arrival(2001, 1000, 2001, 1000, true, false)),
                seen.stream().map(a -> new AckPolicy.Arrival(a.seq() - seen.getFirst().seq() + 1, a.length(),
                        a.rcvNxt() - seen.getFirst().seq() + 1, a.maxseg(), a.reassemblyEmpty(), a.ackPending())).toList());
    }

    @Test
    void theDelayedScriptFailsUnderAPolicyThatNeverDelays() throws Exception {
        Outcome o = run(DELAYED, a -> false);
        assertEquals(Outcome.Kind.PACKET, o.failure().kind(), () -> ScriptSuite.describe(o));
        assertTrue(o.failure().message().startsWith("seam.pkt:10:"), o.failure().message());
    }
}
