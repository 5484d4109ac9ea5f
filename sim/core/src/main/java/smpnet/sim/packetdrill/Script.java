package smpnet.sim.packetdrill;

import java.util.List;
import java.util.Map;

/**
 * A parsed packetdrill script: its header options and its events in script order. The types nested here are
 * the script's syntax tree, as {@link ScriptParser} builds it and {@link ScriptRunner} reads it; every node
 * keeps the line it came from, for error messages.
 *
 * @param file    the name the script was read under (for messages)
 * @param options the header options ({@code --tolerance_usecs=...})
 * @param events  the events, in script order
 */
public record Script(String file, Options options, List<Event> events) {

    /**
     * The header options.
     *
     * @param toleranceUsecs how far an event may be from its script time ({@code --tolerance_usecs}, default
     *                       4000 as in packetdrill)
     * @param mtu            the MTU of the host's interface ({@code --mtu}, default 1500)
     * @param tsTickUsecs    the length of one TCP timestamp tick; 0 (the default) leaves outbound TS val
     *                       unchecked, as packetdrill does ({@code --tcp_ts_tick_usecs})
     * @param udpEncapsulation {@code --udp_encapsulation=tcp}: the script writes segments carried over UDP
     *                       ({@code /udp(SRC > DST)} after a segment), TCP over UDP's encapsulation
     * @param nonFatalSyscalls {@code --non_fatal=syscall}: a system call that fails (a wrong result, an option
     *                       this runner does not know) is a warning, and the script goes on, as packetdrill
     * @param tcpMd5Secret   {@code --tcp_md5_secret=KEY}: the key of the remote end's TCP MD5 signatures (RFC
     *                       2385), with which the runner signs inbound {@code md5 valid} options and checks
     *                       outbound ones; null without it
     */
    public record Options(long toleranceUsecs, int mtu, long tsTickUsecs, boolean udpEncapsulation,
                          boolean nonFatalSyscalls, String tcpMd5Secret) {
        public static final Options DEFAULTS = new Options(4000, 1500, 0);

        public Options(long toleranceUsecs, int mtu, long tsTickUsecs) { this(toleranceUsecs, mtu, tsTickUsecs, false, false); }

        public Options(long toleranceUsecs, int mtu, long tsTickUsecs, boolean udpEncapsulation, boolean nonFatalSyscalls) {
            this(toleranceUsecs, mtu, tsTickUsecs, udpEncapsulation, nonFatalSyscalls, null);
        }
    }

    /** How an event's time is written. */
    public enum TimeKind {
        /** {@code 0.100}: seconds from the script's start. */
        ABSOLUTE,
        /** {@code +0.1}: seconds after the previous event. */
        RELATIVE,
        /** {@code *}: any time (outbound packets only). */
        ANY,
        /** {@code 0.1~0.2}: anywhere in an absolute range (outbound packets only). */
        ABSOLUTE_RANGE,
        /** {@code +0~+0.2}: anywhere in a range relative to the previous event (outbound packets only). */
        RELATIVE_RANGE
    }

    /** An event's time as written; microseconds. {@code endUsecs} is the range's end, or -1. */
    public record Timing(TimeKind kind, long startUsecs, long endUsecs) {}

    /** One line (or block) of the script that happens at a time. */
    public sealed interface Event permits PacketEvent, SyscallEvent, CommandEvent, CodeEvent {
        /** The script line it starts on. */
        int line();

        Timing timing();
    }

    /** Whether a packet goes into the host ({@code <}) or comes out of it ({@code >}). */
    public enum Direction { INBOUND, OUTBOUND }

    /**
     * A packet line. {@code ecn} is the IP header's ECN field the line gives ({@code [noecn]} 0, {@code [ect1]}
     * 1, {@code [ect0]} 2, {@code [ce]} 3), set on an inbound packet and checked on an outbound one; null when
     * the line gives none (inbound: Not-ECT; outbound: not checked, as packetdrill). {@code tos} and {@code ttl}
     * are the IP header's whole TOS byte and time to live from {@code (tos 0x20)}, {@code (ttl 3)} or
     * {@code (tos 0x20, ttl 3)} after the direction, set and checked alike; null when the line gives none.
     */
    public record PacketEvent(int line, Timing timing, Direction direction, PacketSpec packet, Integer ecn, Integer tos,
                              Integer ttl) implements Event {
        public PacketEvent(int line, Timing timing, Direction direction, PacketSpec packet) {
            this(line, timing, direction, packet, null, null, null);
        }

        PacketEvent withIpFields(Integer ecnField, Integer tosByte, Integer timeToLive) {
            return new PacketEvent(line, timing, direction, packet, ecnField, tosByte, timeToLive);
        }

        /** The name a script gives ECN field {@code field}. */
        static String ecnName(int field) { return ECN_NAMES.get(field); }
    }

    /** The ECN field's names in a packet line's brackets, by value (RFC 3168 5). */
    static final List<String> ECN_NAMES = List.of("noecn", "ect1", "ect0", "ce");

    /** What a packet line describes. */
    public sealed interface PacketSpec permits TcpSpec, IcmpSpec {}

    /**
     * A TCP segment: {@code S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 6>}, or with urgent data
     * {@code U. 1:2(1) ack 1 win 257 urg 1}.
     *
     * @param flagsText the flags as written ({@code "S."})
     * @param flags     the flag bits (see {@link Segment} for the values)
     * @param seq       the starting sequence number, in script space, or {@link #ANY_SEQ} for {@code ...(length)}
     * @param length    the payload length
     * @param ack       the acknowledgment number in script space, or null when the line has none
     * @param window    the window field, or null when the line has none (outbound: not checked)
     * @param urgentPointer the urgent pointer field ({@code urg N}; 0 when the line has none, checked as
     *                  packetdrill does)
     * @param options   the options in order, or null for {@code <...>} (outbound: not checked)
     * @param udpSrc    with {@code /udp(SRC > DST)} after the segment, the source port of the UDP datagram
     *                  carrying it (TCP over UDP); -1 for a plain segment
     * @param udpDst    that datagram's destination port, or -1
     */
    public record TcpSpec(String flagsText, int flags, long seq, int length, Long ack, Integer window,
                          int urgentPointer, List<TcpOption> options, int udpSrc, int udpDst) implements PacketSpec {
        /** {@code ...(length)}: any sequence number (outbound only). */
        public static final long ANY_SEQ = -1;

        public TcpSpec(String flagsText, int flags, long seq, int length, Long ack, Integer window, int urgentPointer,
                       List<TcpOption> options) {
            this(flagsText, flags, seq, length, ack, window, urgentPointer, options, -1, -1);
        }

        /** True if the segment travels inside a UDP datagram. */
        public boolean encapsulated() { return udpSrc >= 0; }
    }

    /** The kinds of TCP option a script can write. */
    public enum OptionKind { EOL, NOP, MSS, WSCALE, SACK_OK, SACK, TIMESTAMP, FAST_OPEN, MD5 }

    /**
     * One TCP option: {@code a} is the MSS, the shift, or TS val; {@code b} is TS ecr; {@code blocks} the SACK
     * blocks' edges in pairs (script space), or a Fast Open cookie's bytes ({@code FO 0102...}; none for a
     * cookie request, {@code FO}). A TCP MD5 signature ({@code md5 valid}, {@code md5 invalid}; kind 19,
     * RFC 2385) has {@code a} 1 for a digest right with {@code --tcp_md5_secret}, 0 for a wrong one.
     */
    public record TcpOption(OptionKind kind, long a, long b, long[] blocks) {
        public static TcpOption of(OptionKind kind) { return new TcpOption(kind, 0, 0, null); }
    }

    /**
     * An ICMP message, with the TCP segment it quotes: {@code icmp unreachable frag_needed mtu 1200 [1:1461(1460)]}.
     *
     * @param text        the type and code as written ("unreachable frag_needed")
     * @param type        the ICMP type
     * @param code        the ICMP code
     * @param mtu         the next-hop MTU (frag_needed), or 0
     * @param echoedSeq   the quoted segment's sequence number (the host's sequence space, relative), or -1
     * @param echoedLen   the quoted segment's payload length
     * @param echoedUdpSrc with {@code /udp(SRC > DST)} inside the brackets, the quoted segment was carried over
     *                    UDP from this port (TCP over UDP); -1 for a plain one
     * @param echoedUdpDst that datagram's destination port, or -1
     */
    public record IcmpSpec(String text, int type, int code, int mtu, long echoedSeq, int echoedLen, int echoedUdpSrc,
                           int echoedUdpDst) implements PacketSpec {
        public IcmpSpec(String text, int type, int code, int mtu, long echoedSeq, int echoedLen) {
            this(text, type, code, mtu, echoedSeq, echoedLen, -1, -1);
        }
    }

    /**
     * A system call: {@code +0...0.2 read(4, ..., 1000) = 1000}.
     *
     * @param endUsecs the end of a blocking call's time range as written, or -1 for a call that must not block
     * @param result   the expected return value
     * @param errno    the expected errno name when the result is -1, or null
     */
    public record SyscallEvent(int line, Timing timing, long endUsecs, String name, List<Expr> args, Expr result,
                               String errno) implements Event {}

    /** A shell line in backquotes: only {@code sysctl -w NAME=VALUE} is understood. */
    public record CommandEvent(int line, Timing timing, String command) implements Event {}

    /** A {@code %{ ... }%} block: asserts on the TCP_INFO view. */
    public record CodeEvent(int line, Timing timing, String code) implements Event {}

    /** An argument or result of a system call. */
    public sealed interface Expr permits Num, Sym, Ellipsis, BitOr, Array, Struct, Str, Call {}

    /** An integer. */
    public record Num(long value) implements Expr {
        @Override public String toString() { return Long.toString(value); }
    }

    /** A symbolic name: {@code SOCK_STREAM}, {@code O_NONBLOCK}, {@code EINPROGRESS}... */
    public record Sym(String name) implements Expr {
        @Override public String toString() { return name; }
    }

    /** {@code ...}: any value (the runner supplies one). */
    public record Ellipsis() implements Expr {
        @Override public String toString() { return "..."; }
    }

    /** {@code A|B|C}. */
    public record BitOr(List<Expr> terms) implements Expr {}

    /** {@code [1]}, {@code [{fd=4, events=POLLIN}]}. */
    public record Array(List<Expr> elements) implements Expr {}

    /** {@code {l_onoff=1, l_linger=0}}, fields in order. */
    public record Struct(Map<String, Expr> fields) implements Expr {}

    /** {@code "text"}. */
    public record Str(String text) implements Expr {}

    /** {@code htons(8080)}, {@code inet_addr("192.0.2.1")}. */
    public record Call(String name, List<Expr> args) implements Expr {}
}
