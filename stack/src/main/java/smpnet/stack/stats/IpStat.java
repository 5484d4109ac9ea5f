package smpnet.stack.stats;

/** IPv4 counters of a host, in the spirit of FreeBSD's ipstat ({@code netstat -s -p ip}). */
public enum IpStat {
    RECEIVED("total packets received"),
    TOO_SHORT("packets too short"),
    BAD_VERSION("packets with bad version"),
    BAD_HEADER_LENGTH("packets with bad header length"),
    BAD_LENGTH("packets with total length below header length"),
    TRUNCATED("packets shorter than their total length"),
    BAD_CHECKSUM("packets with bad header checksum"),
    BAD_OPTIONS("packets with malformed options"),
    SOURCE_ROUTED("source-routed packets dropped"),
    MARTIAN("packets from or to 127/8 received on a non-loopback interface"),
    FRAGMENTS_RECEIVED("fragments received"),
    FRAGMENTS_DROPPED("fragments dropped (duplicate, overlap or limits)"),
    FRAGMENTS_TIMED_OUT("fragments dropped after timeout"),
    REASSEMBLED("packets reassembled ok"),
    DELIVERED("packets for this host"),
    UNKNOWN_PROTOCOL("packets for unknown/unsupported protocol"),
    FORWARDED("packets forwarded"),
    NOT_FORWARDING("packets for another host dropped: not a router"),
    NO_ROUTE_FORWARD("packets not forwardable: no route"),
    TTL_EXCEEDED("packets dropped: time to live exceeded in transit"),
    SENT("packets sent from this host"),
    NO_ROUTE("output packets discarded due to no route"),
    FRAGMENTED("output datagrams fragmented"),
    FRAGMENTS_CREATED("fragments created"),
    CANT_FRAGMENT("datagrams that can't be fragmented (DF set)"),
    NO_BUFFERS("output packets dropped due to no bufs");

    private final String text;

    IpStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
