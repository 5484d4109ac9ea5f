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
    FOR_US("packets for our address answered or learned from"),
    BAD_SENDER("packets dropped: sender MAC broadcast, multicast or ours, or sender address a broadcast or ours"),
    OFF_LINK("packets dropped: sender address not on this link's network"),
    TABLE_FULL("entries not created: the table is full"),
    HELD("packets held awaiting a reply"),
    HOLD_OVERFLOW("held packets dropped: hold queue full"),
    UNRESOLVED("held packets dropped: no reply after every retry"),
    RATE_LIMITED("requests suppressed by the rate limit"),
    EXPIRED("entries expired"),
    PURGED("expired entries removed to make room"),
    EVICTED("idle entries evicted from a full table for a packet of ours"),
    NO_BUFFERS("requests or replies not sent for lack of mbufs"),
    NO_TABLE("packets dropped: arrived on an interface without ARP");

    private final String text;

    ArpStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
