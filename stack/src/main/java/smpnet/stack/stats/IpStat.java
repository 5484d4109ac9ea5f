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
    BAD_SOURCE("packets whose source is no single host (RFC 1122 3.2.1.3) dropped"),
    FRAGMENTS_RECEIVED("fragments received"),
    FRAGMENTS_HELD("fragments held for reassembly"),
    FRAGMENTS_DROPPED("fragments dropped on arrival (duplicate, overlap or limits)"),
    FRAGMENTS_FLUSHED("held fragments discarded with their datagram (overlap or limits)"),
    FRAGMENTS_BAD_LENGTH("non-final fragments with no payload or one not a multiple of 8 bytes"),
    TOO_LONG("fragments that would make a datagram longer than 65535 bytes"),
    FRAGMENTS_TIMED_OUT("fragments dropped after timeout"),
    REASSEMBLED("packets reassembled ok"),
    DELIVERED("packets for this host"),
    UNKNOWN_PROTOCOL("packets for unknown/unsupported protocol"),
    FORWARDED("packets forwarded"),
    NOT_FORWARDING("packets for another host dropped: not a router"),
    NOT_FORWARDABLE("packets not forwarded: link broadcast, or a destination no router forwards (RFC 1812 5.3.7)"),
    NO_ROUTE_FORWARD("packets not forwardable: no route"),
    TTL_EXCEEDED("packets dropped: time to live exceeded in transit"),
    SENT("packets sent from this host"),
    NO_ROUTE("output packets discarded due to no route"),
    FRAGMENTED("output datagrams fragmented"),
    FRAGMENTS_CREATED("fragments created"),
    CANT_FRAGMENT("datagrams that can't be fragmented (DF set)"),
    NO_BUFFERS("output packets dropped due to no bufs"),
    INPUT_NO_BUFFERS("input packets dropped due to no bufs (private copy for reassembly or forwarding)"),
    LOOPED("packets from this host to its own address, looped back to input");

    private final String text;

    IpStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
