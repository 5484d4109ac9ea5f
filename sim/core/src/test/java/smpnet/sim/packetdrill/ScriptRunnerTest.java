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

    /** PASSIVE, then the handshake completed and accepted (fd 4) at 0.2 s. */
    private static final String ESTABLISHED = PASSIVE + """
            +0 > S. 0:0(0) ack 1 <...>
            +.1 < . 1:1(0) ack 1 win 257
            +0 accept(3, ..., ...) = 4
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
    void aPlainSegmentWhereTheScriptWantsOneOverUdpNamesBoth() {
        Outcome o = run("--udp_encapsulation=tcp\n" + PASSIVE.replace("+.1 < . 1:1(0) ack 1 win 257\n", "")
                .replace("+0 accept(3, ..., ...) = 4\n", "") + "+0 > S. 0:0(0) ack 1 <...>/udp(9811 > 1)\n");
        assertEquals(Outcome.Kind.PACKET, o.failure().kind());
        assertEquals("""
                t.pkt:7: error handling packet: live packet encapsulation: expected /udp(9811 > 1) vs actual plain TCP
                script packet:  0.100000 S. 0:0(0) ack 1 <...>/udp(9811 > 1)
                actual packet:  0.100000 S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6>""", o.failure().message());
    }

    @Test
    void withNonFatalSyscallsAFailedCallIsAWarning() {
        String call = "+0 setsockopt(3, IPPROTO_TCP, TCP_RACK_PACE_ALWAYS, [1], 4) = 0\n";
        assertEquals(Outcome.Kind.SYSCALL, run(PASSIVE + "+0 > S. 0:0(0) ack 1 <...>\n" + call).failure().kind());
        assertNull(run("--non_fatal=syscall\n" + PASSIVE + "+0 > S. 0:0(0) ack 1 <...>\n" + call).failure());
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
        Outcome o = run(ESTABLISHED + """
                +0 < P. 1:11(10) ack 1 win 257
                +0 > . 1:1(0) ack 11
                +1 close(4) = 0
                """, t -> t.chatty = true);
        assertEquals(Outcome.Kind.PACKET, o.failure().kind());
        assertEquals("""
                t.pkt:11: error handling packet: unexpected outbound packet
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
    void sysctlLinesBeforeAnyOtherEventRunBeforeTheHostBoots() {
        Outcome o = run("""
                0 `sysctl -w net.inet.tcp.sack.enable=0`
                +0 `sysctl -w net.inet.tcp.sack.enable=2`
                +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +0 `sysctl -w net.inet.tcp.sack.enable=3`
                """);
        assertNull(o.failure(), () -> o.failure().message());
        assertEquals(List.of("net.inet.tcp.sack.enable=0", "net.inet.tcp.sack.enable=2", "boot",
                "net.inet.tcp.sack.enable=3"), made.getFirst().calls());
    }

    @Test
    void commandsAndAssertsFailClearly() {
        Outcome unknown = run("0 `sysctl -w net.inet.tcp.nosuch=1`\n");
        assertEquals(Outcome.Kind.COMMAND, unknown.failure().kind());
        assertEquals("t.pkt:1: error executing `sysctl -w net.inet.tcp.nosuch=1` command: unknown sysctl net.inet.tcp.nosuch",
                unknown.failure().message());
        Outcome shell = run("0 `../common/defaults.sh`\n");
        assertEquals("t.pkt:1: error executing `../common/defaults.sh` command: only `sysctl -w NAME=VALUE`, `sockstat ... "
                + "| grep -c STATE | grep N`, `tcpdrop -s STATE`, `echo '...' | setkey -c` (TCP-MD5 keys), `setkey -F` and "
                + "`kldstat -q -m tcpmd5 || kldload tcpmd5` are supported, found '../common/defaults.sh'",
                shell.failure().message());
        assertEquals("t.pkt:1: error executing `echo 'add 1.2.3.4 5.6.7.8 esp 0x1 -E des-cbc \"k\" ;' | setkey -c` command: only "
                + "setkey's `add SRC DST tcp SPI -A tcp-md5 \"KEY\"` is supported, found 'add 1.2.3.4 5.6.7.8 esp 0x1 -E des-cbc \"k\"'",
                run("0 `echo 'add 1.2.3.4 5.6.7.8 esp 0x1 -E des-cbc \"k\" ;' | setkey -c`\n").failure().message());
        assertEquals("t.pkt:1: error executing `echo 'add 1.2.3.4 5.6.7.8 tcp 0x1 -A tcp-md5 \"k\" ;' | setkey -c` command: "
                + "TCP-MD5 keys are not supported by this target",
                run("0 `echo 'add 1.2.3.4 5.6.7.8 tcp 0x1 -A tcp-md5 \"k\" ;' | setkey -c`\n").failure().message());
        assertEquals("t.pkt:5: an md5 option needs --tcp_md5_secret=KEY",
                run(PASSIVE.replace("wscale 7>", "wscale 7,nop,nop,md5 valid>")).failure().message());
        assertEquals("t.pkt:1: error executing `tcpdrop -s LISTEN` command: tcpdrop drops connections, not LISTEN",
                run("0 `tcpdrop -s LISTEN`\n").failure().message());
        assertEquals("t.pkt:1: error executing `tcpdrop -a` command: only `tcpdrop -s STATE` is supported",
                run("0 `tcpdrop -a`\n").failure().message());
        assertEquals("t.pkt:1: error executing `sockstat -4 -P tcp -s | wc -l` command: expected `sockstat ... | grep -c "
                + "STATE | grep N`, found 'wc -l'", run("0 `sockstat -4 -P tcp -s | wc -l`\n").failure().message());
        assertEquals("t.pkt:1: error executing `sockstat -4 -P tcp -s | grep -c SYN_RCVD | grep 1` command: 0 TCP sockets "
                + "in SYN_RCVD, not 1", run("0 `sockstat -4 -P tcp -s | grep -c SYN_RCVD | grep 1`\n").failure().message());
        Outcome falseAssert = run(PASSIVE + "+0 > S. 0:0(0) ack 1 <...>\n+0 %{ assert tcpi_state == TCPI_ESTABLISHED }%\n");
        assertEquals(Outcome.Kind.ASSERT, falseAssert.failure().kind());
        assertEquals("t.pkt:7: AssertionError: assert tcpi_state == TCPI_ESTABLISHED is false (tcpi_state = 3)",
                falseAssert.failure().message());
    }

    @Test
    void pollReportsReadiness() {
        Outcome o = run(ESTABLISHED + """
                +0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1
                +0 < P. 1:11(10) ack 1 win 257
                +0 > . 1:1(0) ack 11
                +0 poll([{fd=4, events=POLLIN, revents=POLLOUT}], 1, 0) = 1
                """);
        assertEquals("t.pkt:12: runtime error in poll call: poll entry 0: expected revents POLLOUT but got POLLIN",
                o.failure().message());
    }

    @Test
    void anIcmpErrorQuotesTheHostsSegmentInLiveNumbers() {
        Outcome o = run(ESTABLISHED + """
                +0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]
                """);
        assertNull(o.failure(), () -> o.failure().message());
        byte[] icmp = made.getFirst().receivedOther().getFirst();
        assertEquals(20 + 8 + 28, icmp.length);
        assertEquals(1, icmp[9]); // protocol ICMP
        assertEquals(0, checksum(icmp, 0, 20));
        assertEquals(0, checksum(icmp, 20, icmp.length - 20));
        assertEquals(3, icmp[20]);
        assertEquals(4, icmp[21]);
        assertEquals(1200, Segment.u16(icmp, 26));
        // the quoted header: the host's segment 192.168.0.1:8080 -> 192.0.2.1:48000, 20 + 20 + 1460 bytes
        assertEquals(1500, Segment.u16(icmp, 28 + 2));
        assertEquals(Target.LOCAL_IP, Segment.s32(icmp, 28 + 12));
        assertEquals(Target.REMOTE_IP, Segment.s32(icmp, 28 + 16));
        assertEquals(8080, Segment.u16(icmp, 48));
        assertEquals(48_000, Segment.u16(icmp, 50));
        assertEquals(FakeTarget.ISN + 1, Segment.u32(icmp, 52));
    }

    @Test
    void injectedSegmentsCarryValidChecksums() {
        byte[] p = Packets.tcp(Target.REMOTE_IP, Target.LOCAL_IP, 48_000, 8080, Segment.PSH | Segment.ACK, 7, 9, 257,
                List.of(new Script.TcpOption(Script.OptionKind.TIMESTAMP, 1, 2, null)), 11);
        assertEquals(0, checksum(p, 0, 20));
        byte[] pseudo = new byte[12 + p.length - 20];
        System.arraycopy(p, 12, pseudo, 0, 8);
        pseudo[9] = 6;
        Packets.put16(pseudo, 10, p.length - 20);
        System.arraycopy(p, 20, pseudo, 12, p.length - 20);
        assertEquals(0, checksum(pseudo, 0, pseudo.length));
        Segment s = Segment.decode(p);
        assertEquals("P. 7:18(11) ack 9 win 257 <TS val 1 ecr 2,eol,eol>", s.format(true)); // padded to 12 bytes
    }

    /** The Internet checksum over a range: 0 when the range holds a correct checksum. */
    private static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) sum += Segment.u16(b, off + i);
        if ((len & 1) != 0) sum += (b[off + len - 1] & 0xFF) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    @Test
    void socketOptionsAndBadCallsFailClearly() {
        Outcome linger = run(PASSIVE + """
                +0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0
                +0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0
                """);
        assertEquals("t.pkt:7: runtime error in getsockopt call: getsockopt SO_ERROR: expected value 54 (ECONNRESET) but got 0",
                linger.failure().message());
        assertEquals("t.pkt:2: unsupported system call writev() (supported: socket, bind, listen, accept, connect, read, recv, "
                + "write, send, sendto, close, shutdown, setsockopt, getsockopt, fcntl, ioctl, poll)",
                run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 writev(3, ..., 1) = 1\n").failure().message());
        assertEquals("t.pkt:2: send with MSG_OOB: only a single (urgent) byte is supported",
                run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 send(3, ..., 2, MSG_OOB) = 2\n").failure().message());
        assertEquals("t.pkt:2: recv flags other than 0, MSG_OOB and MSG_PEEK are not supported",
                run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 recv(3, ..., 2, MSG_DONTWAIT) = 2\n").failure().message());
        assertEquals("t.pkt:2: ioctl: only SIOCATMARK is supported",
                run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 ioctl(3, 7, [0]) = 0\n").failure().message());
        assertEquals("t.pkt:2: TCP_NODELAY is an option of level IPPROTO_TCP",
                run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, SOL_SOCKET, TCP_NODELAY, [1], 4) = 0\n")
                        .failure().message());
        assertEquals("t.pkt:2: shutdown: fd 9 is not an open socket of this script",
                run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 shutdown(9, SHUT_WR) = 0\n").failure().message());
        assertEquals("t.pkt:1: runtime error in close call: expected result 0 but got -1 with errno EBADF (Bad file descriptor)",
                run("0 close(9) = 0\n").failure().message());
    }
}
