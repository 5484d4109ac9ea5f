package smpnet.stack.stats;

/** UDP counters of a host ({@code netstat -s -p udp}). */
public enum UdpStat {
    RECEIVED("datagrams received"),
    TOO_SHORT("with incomplete header"),
    BAD_LENGTH("with bad data length field"),
    BAD_CHECKSUM("with bad checksum"),
    NO_CHECKSUM("with no checksum"),
    NO_PORT("dropped due to no socket"),
    NO_PORT_BROADCAST("broadcast/multicast datagrams undelivered"),
    FULL_SOCKET_BUFFER("dropped due to full socket buffers"),
    DELIVERED("delivered"),
    SENT("datagrams output"),
    NO_BUFFERS("datagrams not sent for lack of mbufs");

    private final String text;

    UdpStat(String text) { this.text = text; }

    @Override public String toString() { return text; }
}
