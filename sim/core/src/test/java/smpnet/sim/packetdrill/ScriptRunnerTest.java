package smpnet.sim.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import smpnet.stack.locks.LockMode;

/** The runner against {@link FakeTarget}: matching, sequence mapping, timing and the failure messages. */
class ScriptRunnerTest {
    private static final String PASSIVE = """
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
            +0 bind(3, ..., ...) = 0
            +0 listen(3, 1) = 0
            +0.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
            """;

    private final List<FakeTarget> made = new ArrayList<>();

    private Outcome run(String text) { return run(text, t -> {}); }

    private Outcome run(String text, Consumer<FakeTarget> setup) {
        try {
            Script s = ScriptParser.parse("t.pkt", text);
            return ScriptRunner.run(s, LockMode.FINE, FakeTarget.factory(made, setup), 7);
        } catch (ScriptParseException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void passiveOpenDataAndAssertsPass() {
        Outcome o = run(PASSIVE + """
                +0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6>
                +.1 < . 1:1(0) ack 1 win 257
                +0 accept(3, ..., ...) = 4
                +0 %{ assert tcpi_state == TCPI_ESTABLISHED and tcpi_snd_mss == 1460, tcpi_state }%
                +0 write(4, ..., 1000) = 1000
                +0 > P. 1:1001(1000) ack 1 <...>
                +.1 < P. 1:101(100) ack 1001 win 257
                +0 > . 1001:1001(0) ack 101
                +0 read(4, ..., 500) = 100
                `sysctl -w net.inet.tcp.sack.enable=0`
                """);
        assertNull(o.failure(), () -> o.failure().message());
        assertEquals(300_000_000L, o.virtualNanos() - o.virtualNanos() % 100_000_000L);
        // Inbound acks are the script's relative numbers shifted onto the fake's ISN; inbound seqs are as written.
        List<Segment> in = made.getFirst().received();
        assertEquals(List.of(0L, FakeTarget.ISN + 1, FakeTarget.ISN + 1001), in.stream().map(Segment::ack).toList());
        assertEquals(List.of(0L, 1L, 1L), in.stream().map(Segment::seq).toList());
        assertEquals(48_000, in.getFirst().srcPort());
        assertEquals(8080, in.getFirst().dstPort());
        assertEquals(0L, made.getFirst().sysctls.get("net.inet.tcp.sack.enable"));
    }

    @Test
    void aDifferentOptionIsReportedWithBothPackets() {
        Outcome o = run(PASSIVE + "+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>\n");
        assertEquals(Outcome.Kind.PACKET, o.failure().kind());
        assertEquals(6, o.failure().line());
        assertEquals("""
                t.pkt:6: error handling packet: bad value in outbound TCP option 3: expected: wscale 7 actual: wscale 6
                script packet:  0.100000 S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
                actual packet:  0.100000 S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6>""", o.failure().message());
    }

    @Test
    void aWrongAckNumberNamesTheField() {
        Outcome o = run(PASSIVE + "+0 > S. 0:0(0) ack 2 <...>\n");
        assertEquals("""
                t.pkt:6: error handling packet: live packet field tcp_ack_seq: expected: 2 (0x2) vs actual: 1 (0x1)
                script packet:  0.100000 S. 0:0(0) ack 2 <...>
                actual packet:  0.100000 S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6>""", o.failure().message());
    }

    @Test
    void aLatePacketIsATimingError() {
        Outcome o = run(PASSIVE + "+0 > S. 0:0(0) ack 1 <...>\n", t -> t.synAckDelayNanos = 300_000_000L);
        assertEquals(Outcome.Kind.TIMING, o.failure().kind());
        assertEquals("t.pkt:6: timing error: expected outbound packet at 0.100000 sec but happened at 0.400000 sec; "
                + "tolerance 0.004000 sec", o.failure().message());
    }

    @Test
    void aDelayWithinTheToleranceAndATimeRangePass() {
        assertNull(run("--tolerance_usecs=10000\n" + PASSIVE + "+0 > S. 0:0(0) ack 1 <...>\n",
                t -> t.synAckDelayNanos = 9_000_000L).failure());
        assertNull(run(PASSIVE + "+0~+0.4 > S. 0:0(0) ack 1 <...>\n", t -> t.synAckDelayNanos = 300_000_000L).failure());
    }

    @Test
    void aThreeSecondTimerRunsOnVirtualTime() {
        Outcome o = run(PASSIVE + """
                +0 > S. 0:0(0) ack 1 <...>
                +3 > S. 0:0(0) ack 1 <...>
                """, t -> t.retransmitSynAck = true);
        assertNull(o.failure(), () -> o.failure().message());
        assertTrue(o.virtualNanos() >= 3_100_000_000L, "virtual time " + o.virtualNanos());
    }

    @Test
    void aMissingPacketTimesOut() {
        Outcome o = run(PASSIVE + "+0 > S. 0:0(0) ack 1 <...>\n+.1 > . 1:1(0) ack 1\n");
        assertEquals("""
                t.pkt:7: error handling packet: timed out waiting for packet
                script packet:  0.200000 . 1:1(0) ack 1""", o.failure().message());
    }

    @Test
    void anUnexpectedPacketIsReportedAtTheNextEvent() {
        Outcome o = run(PASSIVE + """
                +0 > S. 0:0(0) ack 1 <...>
                +.1 < . 1:1(0) ack 1 win 257
                +0 accept(3, ..., ...) = 4
                +0 < P. 1:11(10) ack 1 win 257
                +0 > . 1:1(0) ack 11
                +1 close(4) = 0
                """, t -> t.chatty = true);
        assertEquals(Outcome.Kind.PACKET, o.failure().kind());
        assertEquals("""
                t.pkt:10: error handling packet: unexpected outbound packet
                actual packet:  0.200000 . 1:1(0) ack 11 win 65535""", o.failure().message());
    }

    @Test
    void syscallResultsAndErrnosAreChecked() {
        Outcome wrong = run(PASSIVE + "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n+0 accept(3, ..., ...) = 4\n");
        assertEquals(Outcome.Kind.SYSCALL, wrong.failure().kind());
        assertEquals("t.pkt:7: runtime error in accept call: expected result 4 but got -1 with errno EAGAIN "
                + "(Resource temporarily unavailable)", wrong.failure().message());
        Outcome right = run(PASSIVE + "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
                + "+0 accept(3, ..., ...) = -1 EAGAIN (Resource temporarily unavailable)\n+0 fcntl(3, F_GETFL) = O_RDWR|O_NONBLOCK\n");
        assertNull(right.failure(), () -> right.failure().message());
        Outcome errno = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 fcntl(3, F_SETFL, O_NONBLOCK) = 0\n"
                + "+0 connect(3, ..., ...) = -1 ECONNREFUSED (Connection refused)\n");
        assertEquals("t.pkt:3: runtime error in connect call: expected result -1 with errno ECONNREFUSED (Connection refused) "
                + "but got -1 with errno EINPROGRESS (Operation now in progress)", errno.failure().message());
    }

    @Test
    void aBlockingCallRunsWhileTheScriptGoesOn() {
        String script = """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0 bind(3, ..., ...) = 0
                +0 listen(3, 1) = 0
                +0...%s accept(3, ..., ...) = 4
                +.1 < S 0:0(0) win 32792 <mss 1000>
                +0 > S. 0:0(0) ack 1 <...>
                +.1 < . 1:1(0) ack 1 win 257
                +.1 write(4, ..., 10) = 10
                +0 > P. 1:11(10) ack 1
                """;
        Outcome ok = run(script.formatted("0.200"));
        assertNull(ok.failure(), () -> ok.failure().message());
        Outcome late = run(script.formatted("0.100"));
        assertEquals(Outcome.Kind.TIMING, late.failure().kind());
        assertEquals(4, late.failure().line());
        Outcome notRange = run(script.formatted("0").replace("+0...0 accept", "+0 accept"));
        assertEquals("t.pkt:4: runtime error in accept call: the call blocked; a call that may block needs a time range (+0...END)",
                notRange.failure().message());
    }

    @Test
    void anActiveOpenMapsTheHostsIsn() {
        Outcome o = run("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0...0.1 connect(3, ..., ...) = 0
                +0 > S 0:0(0) <mss 1460>
                +.1 < S. 700:700(0) ack 1 win 5792 <mss 1460>
                +0 > . 1:1(0) ack 701
                """);
        assertNull(o.failure(), () -> o.failure().message());
        Segment synAck = made.getFirst().received().getFirst();
        assertEquals(FakeTarget.CONNECT_ISN + 1, synAck.ack());
        assertEquals(700, synAck.seq());
        assertEquals(8080, synAck.srcPort());
        assertEquals(40_000, synAck.dstPort());
    }

    @Test
    void commandsAndAssertsFailClearly() {
        Outcome unknown = run("0 `sysctl -w net.inet.tcp.nosuch=1`\n");
        assertEquals(Outcome.Kind.COMMAND, unknown.failure().kind());
        assertEquals("t.pkt:1: error executing `sysctl -w net.inet.tcp.nosuch=1` command: unknown sysctl net.inet.tcp.nosuch",
                unknown.failure().message());
        Outcome shell = run("0 `../common/defaults.sh`\n");
        assertEquals("t.pkt:1: error executing `../common/defaults.sh` command: only `sysctl -w NAME=VALUE` is supported, "
                + "found '../common/defaults.sh'", shell.failure().message());
        Outcome falseAssert = run(PASSIVE + "+0 > S. 0:0(0) ack 1 <...>\n+0 %{ assert tcpi_state == TCPI_ESTABLISHED }%\n");
        assertEquals(Outcome.Kind.ASSERT, falseAssert.failure().kind());
        assertEquals("t.pkt:7: AssertionError: assert tcpi_state == TCPI_ESTABLISHED is false (tcpi_state = 3)",
                falseAssert.failure().message());
    }

    @Test
    void pollReportsReadiness() {
        Outcome o = run(PASSIVE + """
                +0 > S. 0:0(0) ack 1 <...>
                +.1 < . 1:1(0) ack 1 win 257
                +0 accept(3, ..., ...) = 4
                +0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1
                +0 < P. 1:11(10) ack 1 win 257
                +0 > . 1:1(0) ack 11
                +0 poll([{fd=4, events=POLLIN, revents=POLLOUT}], 1, 0) = 1
                """);
        assertEquals("t.pkt:12: runtime error in poll call: poll entry 0: expected revents POLLOUT but got POLLIN",
                o.failure().message());
    }
}
