package smpnet.stack.stats;

/**
 * IPv4 counters of a host ({@code netstat -s -p ip}). A counter that counts what one of FreeBSD's
 * {@code struct ipstat} fields counts says which ({@link #freebsdName()}: {@link #TOO_SHORT} is
 * {@code ips_toosmall}, {@link #TRUNCATED} is {@code ips_tooshort}) and prints with netstat's wording for it; the
 * others are smpnet's own finer counts (some of which FreeBSD adds into a broader field, as their comments
 * say), with wording of their own. The constants keep their names: code written against them keeps working.
 */
public enum IpStat {
    RECEIVED("ips_total", "total packets received"),
    /** Shorter than an IP header. */
    TOO_SHORT("ips_toosmall", "with size smaller than minimum"),
    BAD_VERSION("ips_badvers", "with incorrect version number"),
    BAD_HEADER_LENGTH("ips_badhlen", "with header length < data size"),
    BAD_LENGTH("ips_badlen", "with data length < header length"),
    /** Shorter than the header's total length says. */
    TRUNCATED("ips_tooshort", "with data size < data length"),
    BAD_CHECKSUM("ips_badsum", "bad header checksums"),
    BAD_OPTIONS("ips_badoptions", "with bad options"),
    /** FreeBSD counts these in ips_badoptions (net.inet.ip.sourceroute=0). */
    SOURCE_ROUTED(null, "source-routed packets dropped"),
    /** From or to 127/8 on an interface that is not a loopback. */
    MARTIAN("ips_badaddr", "datagrams with bad address in header"),
    BAD_SOURCE(null, "packets whose source is no single host (RFC 1122 3.2.1.3) dropped"),
    FRAGMENTS_RECEIVED("ips_fragments", "fragments received"),
    FRAGMENTS_HELD(null, "fragments held for reassembly"),
    FRAGMENTS_DROPPED("ips_fragdropped", "fragments dropped (dup or out of space)"),
    /** FreeBSD counts these in ips_fragdropped (ipq_drop). */
    FRAGMENTS_FLUSHED(null, "held fragments discarded with their datagram (overlap or limits)"),
    FRAGMENTS_BAD_LENGTH(null, "non-final fragments with no payload or one not a multiple of 8 bytes"),
    /** Fragments that would make a datagram longer than 65535 bytes. */
    TOO_LONG("ips_toolong", "with ip length > max ip packet size"),
    FRAGMENTS_TIMED_OUT("ips_fragtimeout", "fragments dropped after timeout"),
    REASSEMBLED("ips_reassembled", "packets reassembled ok"),
    DELIVERED("ips_delivered", "packets for this host"),
    UNKNOWN_PROTOCOL("ips_noproto", "packets for unknown/unsupported protocol"),
    FORWARDED("ips_forward", "packets forwarded"),
    /** FreeBSD counts these in ips_cantforward, as the next two. */
    NOT_FORWARDING(null, "packets for another host dropped: not a router"),
    NOT_FORWARDABLE(null, "packets not forwarded: link broadcast, or a destination no router forwards (RFC 1812 5.3.7)"),
    NO_ROUTE_FORWARD(null, "packets not forwardable: no route"),
    TTL_EXCEEDED(null, "packets dropped: time to live exceeded in transit"),
    SENT("ips_localout", "packets sent from this host"),
    NO_ROUTE("ips_noroute", "output packets discarded due to no route"),
    FRAGMENTED("ips_fragmented", "output datagrams fragmented"),
    FRAGMENTS_CREATED("ips_ofragments", "fragments created"),
    CANT_FRAGMENT("ips_cantfrag", "datagrams that can't be fragmented"),
    NO_BUFFERS("ips_odropped", "output packets dropped due to no bufs, etc."),
    INPUT_NO_BUFFERS(null, "input packets dropped due to no bufs (private copy for reassembly or forwarding)"),
    LOOPED(null, "packets from this host to its own address, looped back to input");

    private final String freebsdName;
    private final String text;

    IpStat(String freebsdName, String text) {
        this.freebsdName = freebsdName;
        this.text = text;
    }

    /**
     * The field of FreeBSD's {@code struct ipstat} that counts the same events ({@code "ips_toosmall"}), or null
     * for a counter of smpnet's own.
     */
    public String freebsdName() { return freebsdName; }

    /** The counter as {@code netstat -s -p ip} words it (FreeBSD's wording where it has the counter). */
    @Override public String toString() { return text; }

    /** The counter FreeBSD names {@code name} ({@code "ips_toosmall"}), or null if smpnet has none under it. */
    public static IpStat ofFreebsdName(String name) {
        java.util.Objects.requireNonNull(name, "name");
        for (IpStat s : values()) {
            if (name.equals(s.freebsdName)) return s;
        }
        return null;
    }
}
