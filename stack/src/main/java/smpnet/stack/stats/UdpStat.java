package smpnet.stack.stats;

/**
 * UDP counters of a host ({@code netstat -s -p udp}). A counter that counts what one of FreeBSD's
 * {@code struct udpstat} fields counts says which ({@link #freebsdName()}: {@link #TOO_SHORT} is
 * {@code udps_hdrops}, {@link #NO_PORT_BROADCAST} is {@code udps_noportbcast}) and prints with netstat's
 * wording for it; the others are smpnet's own, with wording of their own. The constants keep their names:
 * code written against them keeps working.
 */
public enum UdpStat {
    RECEIVED("udps_ipackets", "datagrams received"),
    /** Shorter than a UDP header. */
    TOO_SHORT("udps_hdrops", "with incomplete header"),
    BAD_LENGTH("udps_badlen", "with bad data length field"),
    BAD_CHECKSUM("udps_badsum", "with bad checksum"),
    NO_CHECKSUM("udps_nosum", "with no checksum"),
    NO_PORT("udps_noport", "dropped due to no socket"),
    /**
     * To a broadcast or multicast address. FreeBSD also counts here (and in udps_noport) a datagram to a
     * unicast address that came in a link-level broadcast; smpnet counts that in {@link #NO_PORT} alone.
     */
    NO_PORT_BROADCAST("udps_noportbcast", "broadcast/multicast datagrams undelivered"),
    FULL_SOCKET_BUFFER("udps_fullsock", "dropped due to full socket buffers"),
    /** FreeBSD keeps no field: its netstat prints the datagrams received less every drop above. */
    DELIVERED(null, "delivered"),
    SENT("udps_opackets", "datagrams output"),
    /** No mbuf for the header: FreeBSD's udp_output returns ENOBUFS then and counts nothing. */
    NO_BUFFERS(null, "datagrams not sent for lack of mbufs");

    private final String freebsdName;
    private final String text;

    UdpStat(String freebsdName, String text) {
        this.freebsdName = freebsdName;
        this.text = text;
    }

    /**
     * The field of FreeBSD's {@code struct udpstat} that counts the same events ({@code "udps_hdrops"}), or
     * null for a counter of smpnet's own.
     */
    public String freebsdName() { return freebsdName; }

    /** The counter as {@code netstat -s -p udp} words it (FreeBSD's wording where it has the counter). */
    @Override public String toString() { return text; }

    /** The counter FreeBSD names {@code name} ({@code "udps_hdrops"}), or null if smpnet has none under it. */
    public static UdpStat ofFreebsdName(String name) {
        java.util.Objects.requireNonNull(name, "name");
        for (UdpStat s : values()) {
            if (name.equals(s.freebsdName)) return s;
        }
        return null;
    }
}
