package smpnet.stack.stats;

/**
 * TCP counters of a host ({@code netstat -s -p tcp}), named after FreeBSD's {@code struct tcpstat} fields
 * (the constant is the field without {@code tcps_}, upper-case) with netstat's text.
 */
public enum TcpStat {
    CONNATTEMPT("connection requests"),
    ACCEPTS("connection accepts"),
    CONNECTS("connections established (including accepts)"),
    DROPS("connections dropped"),
    CONNDROPS("embryonic connections dropped"),
    CLOSED("connections closed (including drops)"),
    SNDTOTAL("packets sent"),
    SNDPACK("data packets sent"),
    SNDBYTE("data bytes sent"),
    SNDREXMITPACK("data packets retransmitted"),
    SNDREXMITBYTE("data bytes retransmitted"),
    SNDACKS("ack-only packets sent"),
    SNDPROBE("window probe packets sent"),
    SNDCTRL("control packets sent"),
    RCVTOTAL("packets received"),
    RCVPACK("packets received in sequence"),
    RCVBYTE("bytes received in sequence"),
    RCVBADSUM("discarded for bad checksums"),
    RCVBADOFF("discarded for bad header offset fields"),
    RCVSHORT("discarded because packet too short"),
    RCVDUPPACK("completely duplicate packets"),
    RCVOOPACK("out-of-order packets"),
    RCVACKPACK("ack packets received"),
    RCVDUPACK("duplicate acks"),
    RCVAFTERCLOSE("packets received after close"),
    REXMTTIMEO("retransmit timeouts"),
    PERSISTTIMEO("persist timeouts"),
    KEEPTIMEO("keepalive timeouts"),
    KEEPPROBE("keepalive probes sent"),
    KEEPDROPS("connections dropped by keepalive"),
    SC_ADDED("syncache entries added"),
    SC_DROPPED("syncache entries dropped"),
    SC_OVERFLOWED("syncache overflows"),
    SC_SENDCOOKIE("cookies sent"),
    SC_RECVCOOKIE("cookies received"),
    LISTENDROP("listen queue overflows"),
    BADRST("ignored RSTs in the windows"),
    BADSYN("bad connection attempts"),
    CHALLENGEACK("challenge ACKs sent");

    private final String text;

    TcpStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
