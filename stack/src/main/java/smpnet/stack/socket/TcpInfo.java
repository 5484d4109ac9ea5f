package smpnet.stack.socket;

/**
 * A snapshot of one connection, as FreeBSD's {@code struct tcp_info} ({@code getsockopt(TCP_INFO)}).
 * Times are in microseconds, windows and buffers in bytes.
 *
 * @param state           the connection's state
 * @param options         the options in use: {@link #OPT_TIMESTAMPS}, {@link #OPT_SACK}, {@link #OPT_WSCALE},
 *                        {@link #OPT_ECN} (FreeBSD's TCPI_OPT_* bits)
 * @param sndWscale       the shift applied to windows we receive (the peer's scale), 0 without scaling
 * @param rcvWscale       the shift applied to windows we send (our scale)
 * @param rtoMicros       the retransmission timeout now
 * @param rttMicros       the smoothed round-trip time (SRTT)
 * @param rttvarMicros    RTTVAR
 * @param sndSsthresh     the slow-start threshold
 * @param sndCwnd         the congestion window
 * @param sndWnd          the peer's advertised window
 * @param rcvSpace        the receive window we advertise
 * @param sndMss          the largest segment we send
 * @param rcvMss          the largest segment we expect
 * @param sndNxt          SND.NXT (absolute)
 * @param sndUna          SND.UNA (absolute)
 * @param rcvNxt          RCV.NXT (absolute)
 * @param retransmits     consecutive retransmissions of the current timeout (backoff)
 * @param totalRetransmitted segments retransmitted over the connection's life
 * @param congestionControl the algorithm's name ("cubic", "newreno")
 */
public record TcpInfo(TcpState state, int options, int sndWscale, int rcvWscale, long rtoMicros, long rttMicros,
                      long rttvarMicros, long sndSsthresh, long sndCwnd, long sndWnd, long rcvSpace, int sndMss,
                      int rcvMss, long sndNxt, long sndUna, long rcvNxt, int retransmits, long totalRetransmitted,
                      String congestionControl) {
    public static final int OPT_TIMESTAMPS = 0x01;
    public static final int OPT_SACK = 0x02;
    public static final int OPT_WSCALE = 0x04;
    /** ECN (RFC 3168) was negotiated on the connection. */
    public static final int OPT_ECN = 0x08;
}
