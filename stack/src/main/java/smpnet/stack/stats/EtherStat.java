package smpnet.stack.stats;

/** Ethernet layer counters of a host. */
public enum EtherStat {
    RECEIVED("frames received"),
    TRUNCATED("frames shorter than an Ethernet header"),
    OTHER_HOST("frames for another station dropped"),
    UNKNOWN_TYPE("frames with an unknown EtherType dropped"),
    SENT("frames sent"),
    NO_BUFFERS("frames not sent for lack of mbufs"),
    TX_DROPPED("frames dropped by a full transmit ring");

    private final String text;

    EtherStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
