package smpnet.stack.stats;

/** ICMP counters of a host ({@code netstat -s -p icmp}). */
public enum IcmpStat {
    RECEIVED("messages received"),
    TOO_SHORT("messages shorter than the minimum length"),
    BAD_CHECKSUM("messages with bad checksum"),
    ECHO_REQUESTS("echo requests received"),
    ECHO_REPLIES_RECEIVED("echo replies received"),
    UNREACHABLE_RECEIVED("destination unreachable received"),
    TIME_EXCEEDED_RECEIVED("time exceeded received"),
    OTHER_RECEIVED("messages of other types ignored"),
    BAD_CODE("messages with a code their type does not define, ignored"),
    CONSUMED("messages acted on: echo answered, reply or error passed on"),
    FRAG_NEEDED_IGNORED("fragmentation needed ignored: about no packet of ours, or an MTU below the floor"),
    PATH_MTU_FULL("fragmentation needed ignored: the path MTU cache is full"),
    BROADCAST_ECHO_IGNORED("echo requests to broadcast ignored"),
    ECHO_REPLIES_SENT("echo replies sent"),
    ECHO_REQUESTS_SENT("echo requests sent"),
    PORT_UNREACHABLE_SENT("port unreachable sent"),
    NET_UNREACHABLE_SENT("net unreachable sent"),
    FRAG_NEEDED_SENT("fragmentation needed sent"),
    TIME_EXCEEDED_SENT("time exceeded sent"),
    PARAMETER_PROBLEM_SENT("parameter problem sent"),
    ERRORS_SUPPRESSED("errors not sent (RFC 1122 3.2.2: about an error, fragment or broadcast)"),
    ERRORS_RATE_LIMITED("errors not sent: over the rate limit"),
    NO_BUFFERS("messages not sent for lack of mbufs");

    private final String text;

    IcmpStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
