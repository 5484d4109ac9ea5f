package smpnet.stack.stats;

/** ARP counters of a host (FreeBSD's arpstat). */
public enum ArpStat {
    RECEIVED("packets received"),
    REQUESTS_RECEIVED("requests received"),
    REPLIES_RECEIVED("replies received"),
    REQUESTS_SENT("requests sent"),
    REPLIES_SENT("replies sent"),
    MALFORMED("malformed packets dropped"),
    NOT_FOR_US("packets for another address ignored"),
    HELD("packets held awaiting a reply"),
    HOLD_OVERFLOW("held packets dropped: hold queue full"),
    UNRESOLVED("held packets dropped: no reply after every retry"),
    RATE_LIMITED("requests suppressed by the rate limit"),
    EXPIRED("entries expired"),
    NO_BUFFERS("requests or replies not sent for lack of mbufs"),
    NO_TABLE("packets dropped: arrived on an interface without ARP");

    private final String text;

    ArpStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
