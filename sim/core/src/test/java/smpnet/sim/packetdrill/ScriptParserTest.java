package smpnet.sim.packetdrill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import smpnet.sim.packetdrill.Script.Array;
import smpnet.sim.packetdrill.Script.BitOr;
import smpnet.sim.packetdrill.Script.Call;
import smpnet.sim.packetdrill.Script.CodeEvent;
import smpnet.sim.packetdrill.Script.CommandEvent;
import smpnet.sim.packetdrill.Script.Direction;
import smpnet.sim.packetdrill.Script.Ellipsis;
import smpnet.sim.packetdrill.Script.IcmpSpec;
import smpnet.sim.packetdrill.Script.Num;
import smpnet.sim.packetdrill.Script.OptionKind;
import smpnet.sim.packetdrill.Script.PacketEvent;
import smpnet.sim.packetdrill.Script.Struct;
import smpnet.sim.packetdrill.Script.Sym;
import smpnet.sim.packetdrill.Script.SyscallEvent;
import smpnet.sim.packetdrill.Script.TcpSpec;
import smpnet.sim.packetdrill.Script.TimeKind;
import smpnet.sim.packetdrill.Script.Timing;

/** The parser: every construct of the language it reads, and the error (file, line, what) for each bad input. */
class ScriptParserTest {
    private static Script parse(String text) throws ScriptParseException { return ScriptParser.parse("s.pkt", text); }

    private static String error(String text) {
        return assertThrows(ScriptParseException.class, () -> parse(text)).getMessage();
    }

    @Test
    void headerOptionsCommentsAndIfdefs() throws Exception {
        Script s = parse("""
                --ip_version=ipv4
                --tolerance_usecs=10000   // wider
                --mtu=1400
                /* a block
                   comment */
                #ifdef FreeBSD
                0 close(3) = 0 // kept
                #else
                0 close(4) = 0
                #endif
                #ifndef smpnet
                +0 close(5) = 0
                #endif
                """);
        assertEquals(new Script.Options(10000, 1400, 0), s.options());
        assertEquals(1, s.events().size());
        SyscallEvent c = (SyscallEvent) s.events().getFirst();
        assertEquals(7, c.line());
        assertEquals(List.of(new Num(3)), c.args());
    }

    @Test
    void timesRelativeAbsoluteRangesAndAny() throws Exception {
        Script s = parse("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                +.1 close(3) = 0
                0.250 close(3) = 0
                +0...0.2 read(4, ..., 1000) = 1000
                * > . 1:1(0) ack 1
                0.1~0.3 > . 1:1(0) ack 1
                +0~+0.2 > . 1:1(0) ack 1
                +2 > . 1:1(0) ack 1
                """);
        List<Timing> t = s.events().stream().map(Script.Event::timing).toList();
        assertEquals(new Timing(TimeKind.RELATIVE, 100_000, -1), t.get(1));
        assertEquals(new Timing(TimeKind.ABSOLUTE, 250_000, -1), t.get(2));
        assertEquals(new Timing(TimeKind.RELATIVE, 0, -1), t.get(3));
        assertEquals(200_000, ((SyscallEvent) s.events().get(3)).endUsecs());
        assertEquals(TimeKind.ANY, t.get(4).kind());
        assertEquals(new Timing(TimeKind.ABSOLUTE_RANGE, 100_000, 300_000), t.get(5));
        assertEquals(new Timing(TimeKind.RELATIVE_RANGE, 0, 200_000), t.get(6));
        assertEquals(new Timing(TimeKind.RELATIVE, 2_000_000, -1), t.get(7));
    }

    @Test
    void tcpPacketsWithEveryField() throws Exception {
        Script s = parse("""
                0 > S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>
                +0 < S. 4294967295:4294967295(0) ack 1 win 5792 <sack 1:101 201:301,eol,nop>
                +0 > FP. 1:1001(1000) ack 4294967295 <...>
                +0 > R 5:5(0)
                +0 < - 1:1(0) win 0
                +0 < EW. 1:1(0) ack 1 win 257
                +0 > S. ...(0) ack 4 win 65535 <mss 1460>
                """);
        TcpSpec syn = (TcpSpec) ((PacketEvent) s.events().get(0)).packet();
        assertEquals(Direction.OUTBOUND, ((PacketEvent) s.events().get(0)).direction());
        assertEquals(Segment.SYN, syn.flags());
        assertNull(syn.ack());
        assertEquals(65535, syn.window());
        assertEquals(List.of(OptionKind.MSS, OptionKind.NOP, OptionKind.WSCALE, OptionKind.SACK_OK, OptionKind.TIMESTAMP),
                syn.options().stream().map(Script.TcpOption::kind).toList());
        assertEquals("<mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>", Segment.formatOptions(syn.options()));
        TcpSpec synAck = (TcpSpec) ((PacketEvent) s.events().get(1)).packet();
        assertEquals(4294967295L, synAck.seq());
        assertArrayEquals(new long[] {1, 101, 201, 301}, synAck.options().getFirst().blocks());
        assertEquals("<sack 1:101 201:301,eol,nop>", Segment.formatOptions(synAck.options()));
        TcpSpec data = (TcpSpec) ((PacketEvent) s.events().get(2)).packet();
        assertEquals(Segment.FIN | Segment.PSH | Segment.ACK, data.flags());
        assertEquals(1000, data.length());
        assertEquals(4294967295L, data.ack());
        assertNull(data.options());
        assertNull(data.window());
        assertEquals(List.of(), ((TcpSpec) ((PacketEvent) s.events().get(3)).packet()).options());
        assertEquals(0, ((TcpSpec) ((PacketEvent) s.events().get(4)).packet()).flags());
        assertEquals(Segment.ACK | Segment.ECE | Segment.CWR, ((TcpSpec) ((PacketEvent) s.events().get(5)).packet()).flags());
        assertEquals(TcpSpec.ANY_SEQ, ((TcpSpec) ((PacketEvent) s.events().get(6)).packet()).seq());
    }

    @Test
    void udpEncapsulatedSegmentsAndQuotes() throws Exception {
        Script s = parse("""
                --udp_encapsulation=tcp
                --non_fatal=syscall
                0 > S 0:0(0) win 65535 <mss 1452,nop,wscale 6>/udp(9811 > 1)
                +0 < S. 0:0(0) ack 1 win 32767/udp(1 > 9811)
                +0 < . 1:1(0) ack 1 win 32767
                +0 < icmp unreachable port_unreachable [0:0(0)/udp(9811 > 2)]
                """);
        assertEquals(new Script.Options(4000, 1500, 0, true, true), s.options());
        TcpSpec syn = (TcpSpec) ((PacketEvent) s.events().get(0)).packet();
        assertEquals(List.of(9811, 1), List.of(syn.udpSrc(), syn.udpDst()));
        assertEquals(3, syn.options().size());
        TcpSpec synAck = (TcpSpec) ((PacketEvent) s.events().get(1)).packet();
        assertEquals(List.of(1, 9811), List.of(synAck.udpSrc(), synAck.udpDst()));
        assertEquals(32767, synAck.window());
        assertEquals(List.of(-1, -1), List.of(((TcpSpec) ((PacketEvent) s.events().get(2)).packet()).udpSrc(),
                ((TcpSpec) ((PacketEvent) s.events().get(2)).packet()).udpDst()));
        assertEquals(new IcmpSpec("unreachable port_unreachable", 3, 3, 0, 0, 0, 9811, 2), ((PacketEvent) s.events().get(3)).packet());
        assertEquals("s.pkt:1: expected '>' in /udp(SRC > DST), found '9811'", error("0 < . 1:1(0) ack 1 win 1/udp(1 9811)\n"));
        assertEquals("s.pkt:1: only --udp_encapsulation=tcp is supported, found 'sctp'", error("--udp_encapsulation=sctp\n"));
    }

    @Test
    void icmpLines() throws Exception {
        Script s = parse("""
                0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]
                +0 < icmp unreachable port_unreachable [0:0(0)]
                +0 < icmp time_exceeded ttl_exceeded_in_transit
                +0 < icmp unreachable host_unreachable_for_tos
                +0 < icmp parameter_problem code_2
                """);
        assertEquals(new IcmpSpec("unreachable frag_needed", 3, 4, 1200, 1, 1460), ((PacketEvent) s.events().get(0)).packet());
        assertEquals(new IcmpSpec("unreachable port_unreachable", 3, 3, 0, 0, 0), ((PacketEvent) s.events().get(1)).packet());
        assertEquals(new IcmpSpec("time_exceeded ttl_exceeded_in_transit", 11, 0, 0, -1, 0), ((PacketEvent) s.events().get(2)).packet());
        assertEquals(new IcmpSpec("unreachable host_unreachable_for_tos", 3, 12, 0, -1, 0), ((PacketEvent) s.events().get(3)).packet());
        assertEquals(new IcmpSpec("parameter_problem code_2", 12, 2, 0, -1, 0), ((PacketEvent) s.events().get(4)).packet());
    }

    @Test
    void systemCallsWithEveryKindOfArgument() throws Exception {
        Script s = parse("""
                0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
                +0 setsockopt(4, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0
                +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
                +0 poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, -1) = 1
                +0 bind(3, {sa_family=AF_INET, sin_port=htons(8081), sin_addr=inet_addr("192.168.0.1")}, 16) = 0
                +0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0
                +0 bind(3, ..., ...) = -1 EADDRNOTAVAIL (Can't assign requested address)
                """);
        SyscallEvent connect = (SyscallEvent) s.events().get(0);
        assertEquals("connect", connect.name());
        assertEquals(List.of(new Num(3), new Ellipsis(), new Ellipsis()), connect.args());
        assertEquals(new Num(-1), connect.result());
        assertEquals("EINPROGRESS", connect.errno());
        assertEquals(new Struct(Map.of("l_onoff", new Num(1), "l_linger", new Num(0))), ((SyscallEvent) s.events().get(1)).args().get(3));
        assertEquals(new BitOr(List.of(new Sym("O_RDWR"), new Sym("O_NONBLOCK"))), ((SyscallEvent) s.events().get(2)).args().get(2));
        SyscallEvent poll = (SyscallEvent) s.events().get(3);
        assertEquals(new Num(-1), poll.args().get(2));
        assertEquals(3, ((Struct) ((Array) poll.args().get(0)).elements().getFirst()).fields().size());
        Struct addr = (Struct) ((SyscallEvent) s.events().get(4)).args().get(1);
        assertEquals(new Call("htons", List.of(new Num(8081))), addr.fields().get("sin_port"));
        assertEquals(new Array(List.of(new Sym("ECONNREFUSED"))), ((SyscallEvent) s.events().get(5)).args().get(3));
        assertEquals("EADDRNOTAVAIL", ((SyscallEvent) s.events().get(6)).errno());
    }

    @Test
    void commandsAndCodeBlocks() throws Exception {
        Script s = parse("""
                `sysctl -w net.inet.tcp.sack.enable=0`
                0 `sysctl -w net.inet.tcp.rfc1323=0`
                +0 %{
                assert tcpi_state == TCPI_ESTABLISHED
                assert tcpi_snd_cwnd == 14600, tcpi_snd_cwnd
                }%
                """);
        assertEquals(new CommandEvent(1, new Timing(TimeKind.RELATIVE, 0, -1), "sysctl -w net.inet.tcp.sack.enable=0"), s.events().get(0));
        assertEquals("sysctl -w net.inet.tcp.rfc1323=0", ((CommandEvent) s.events().get(1)).command());
        CodeEvent code = (CodeEvent) s.events().get(2);
        assertEquals(3, code.line());
        assertEquals("\nassert tcpi_state == TCPI_ESTABLISHED\nassert tcpi_snd_cwnd == 14600, tcpi_snd_cwnd\n", code.code());
    }

    @Test
    void errorsNameTheFileTheLineAndWhatWasExpected() {
        assertEquals("s.pkt:2: expected ':' in start:end(length), found '('", error("0 close(3) = 0\n+0 > S 0(0)\n"));
        assertEquals("s.pkt:1: inconsistent TCP sequence numbers and payload size: 1:11(20)", error("0 > P. 1:11(20) ack 1\n"));
        assertEquals("s.pkt:1: window must be specified for inbound packets", error("0 < S 0:0(0)\n"));
        assertEquals("s.pkt:1: <...> for TCP options can only be used with outbound packets", error("0 < S 0:0(0) win 1 <...>\n"));
        assertEquals("s.pkt:1: * and ~ times can only be used with outbound packets", error("* < S 0:0(0) win 1\n"));
        assertEquals("s.pkt:1: unsupported option --ipv6 (supported: --ip_version=ipv4, --tolerance_usecs=N, --mtu=N, "
                + "--tcp_ts_tick_usecs=N, --udp_encapsulation=tcp, --non_fatal=syscall, --tcp_md5_secret=KEY)", error("--ipv6\n0 close(3) = 0\n"));
        assertEquals("s.pkt:1: only --ip_version=ipv4 is supported, found 'ipv6'", error("--ip_version=ipv6\n"));
        assertEquals("s.pkt:2: expected a non-negative integer for --tolerance_usecs, found 'x'", error("\n--tolerance_usecs=x\n"));
        assertEquals("s.pkt:3: #ifdef without #endif", error("0 close(3) = 0\n\n#ifdef linux\n"));
        assertEquals("s.pkt:1: #endif without #ifdef", error("#endif\n"));
        assertEquals("s.pkt:1: the first event should be at time 0", error("0.1 close(3) = 0\n"));
        assertEquals("s.pkt:1: unknown TCP flag 'X' in 'SX' (known: F S R P . U E W)", error("0 > SX 0:0(0)\n"));
        assertEquals("s.pkt:1: unsupported TCP option 'uto' (supported: nop, eol, mss N, wscale N, sackOK, sack A:B..., TS val V ecr E, FO [cookie], md5 valid|invalid)",
                error("0 > S 0:0(0) <uto 5>\n"));
        assertEquals("s.pkt:1: expected 'valid' or 'invalid' after 'md5', found 'abc'", error("0 > S 0:0(0) <md5 abc>\n"));
        assertEquals("s.pkt:1: --tcp_md5_secret needs a key of 1 to 80 characters", error("--tcp_md5_secret=\n0 close(3) = 0\n"));
        assertEquals("s.pkt:2: expected a packet ('<' or '>'), a system call, a `command` or a %{ }% block, found 'hello'",
                error("0 close(3) = 0\n+0 hello\n"));
        assertEquals("s.pkt:1: expected '=' and the expected result after close(...), found end of file", error("0 close(3)\n"));
        assertEquals("s.pkt:1: expected a closing ` for the command", error("0 `sysctl -w a=1\n"));
        assertEquals("s.pkt:1: TCP option list too long (44 bytes; at most 40)",
                error("0 > S 0:0(0) <TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,TS val 1 ecr 2,nop,nop,nop,nop>\n"));
        assertEquals("s.pkt:1: outbound ICMP packets are not supported", error("0 > icmp unreachable\n"));
        assertEquals("s.pkt:1: unknown ICMP code 'bogus' for type redirect (write code_N)", error("0 < icmp redirect bogus\n"));
        assertEquals("s.pkt:1: ...(length) can only be used with outbound packets", error("0 < S ...(0) win 1\n"));
        assertEquals("s.pkt:1: expected IP header fields (tos N, ttl N) in parentheses after the direction, found 'flowlabel'",
                error("0 > (flowlabel 1) S 0:0(0)\n"));
        assertEquals("s.pkt:1: ttl must be in [0, 255], found 256", error("0 > (ttl 256) S 0:0(0)\n"));
        assertEquals("s.pkt:1: '!' after start:end(length) is for outbound packets", error("0 < S 0:0(0)! win 1\n"));
        assertEquals("s.pkt:1: expected an ECN field [noecn], [ect0], [ect1] or [ce] after the direction",
                error("0 > [ect2] S 0:0(0)\n"));
    }

    @Test
    void ipHeaderFieldsFollowTheDirection() throws ScriptParseException {
        Script s = parse("0 < (tos 0x28) S 0:0(0) win 1\n+0 > (tos 0x20, ttl 4) [ect0] S. 0:0(0)! ack 1\n+0 > . 1:1(0) ack 1\n");
        List<PacketEvent> p = s.events().stream().map(e -> (PacketEvent) e).toList();
        assertEquals(java.util.Arrays.asList(0x28, 0x20, null), p.stream().map(PacketEvent::tos).toList());
        assertEquals(java.util.Arrays.asList(null, 4, null), p.stream().map(PacketEvent::ttl).toList());
        assertEquals(java.util.Arrays.asList(null, 2, null), p.stream().map(PacketEvent::ecn).toList());
        assertEquals(Script.TcpSpec.ANY_SEQ, ((Script.TcpSpec) p.get(1).packet()).seq(), "'!': the sequence number is not checked");
    }

    @Test
    void ecnFieldsFollowTheDirection() throws ScriptParseException {
        Script s = parse("0 < [ce] S 0:0(0) win 1\n+0 > [ect0] S. 0:0(0) ack 1\n+0 > [noecn] . 1:1(0) ack 1\n"
                + "+0 > [ect1] . 1:1(0) ack 1\n+0 > . 1:1(0) ack 1\n");
        List<Integer> ecn = s.events().stream().map(e -> ((PacketEvent) e).ecn()).toList();
        assertEquals(java.util.Arrays.asList(3, 2, 0, 1, null), ecn);
        assertEquals(Segment.SYN, ((TcpSpec) ((PacketEvent) s.events().get(0)).packet()).flags());
    }
}
