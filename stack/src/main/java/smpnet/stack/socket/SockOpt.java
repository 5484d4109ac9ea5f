package smpnet.stack.socket;

/**
 * Socket options of {@link TcpSocket#setOption} and {@link TcpSocket#getOption}, each an int as in
 * {@code setsockopt(2)} (a boolean option is 0 or 1; {@link #SO_LINGER} is the linger time in seconds, or
 * -1 for off).
 */
public enum SockOpt {
    /** Allow binding a local address whose port is still in TIME_WAIT. */
    SO_REUSEADDR(Level.SOCKET),
    /** Send keepalive probes on an idle connection (TCP_KEEPIDLE/KEEPINTVL/KEEPCNT). */
    SO_KEEPALIVE(Level.SOCKET),
    /** Seconds close() waits for unsent data; -1 (the default) off; 0 resets the connection on close. */
    SO_LINGER(Level.SOCKET),
    /** The send buffer's size in bytes (at most kern.ipc.maxsockbuf). */
    SO_SNDBUF(Level.SOCKET),
    /** The receive buffer's size in bytes (at most kern.ipc.maxsockbuf). */
    SO_RCVBUF(Level.SOCKET),
    /**
     * Keep the urgent byte in the stream (RFC 9293 3.8.5): reads return it in order, at the mark, instead of
     * {@link TcpSocket#readUrgent}.
     */
    SO_OOBINLINE(Level.SOCKET),
    /** Read only: the pending error's {@link Errno#number()} (0 for none), cleared by reading it. */
    SO_ERROR(Level.SOCKET),
    /** Turns Nagle's algorithm off. */
    TCP_NODELAY(Level.TCP),
    /** The largest segment to send (the MSS); set before connect or listen to lower it. */
    TCP_MAXSEG(Level.TCP),
    /** Send a SYN without options (no MSS beyond the default, no window scale, SACK or timestamps). */
    TCP_NOOPT(Level.TCP),
    /** Seconds of idleness before the first keepalive probe. */
    TCP_KEEPIDLE(Level.TCP),
    /** Seconds between keepalive probes. */
    TCP_KEEPINTVL(Level.TCP),
    /** Unanswered probes before the connection is dropped. */
    TCP_KEEPCNT(Level.TCP),
    /**
     * Seconds a connection may take to be established before it is dropped with ETIMEDOUT; 0 (the default)
     * follows {@code net.inet.tcp.keepinit}, which reading the option then returns. Setting it during the
     * handshake restarts the timeout with the new value, as FreeBSD does.
     */
    TCP_KEEPINIT(Level.TCP),
    /**
     * TCP Fast Open (RFC 7413; needs {@code net.inet.tcp.fastopen.client_enable} or {@code server_enable},
     * else EPERM; set before connecting or on a listener, else EINVAL). On a listener (with
     * {@code server_enable}) a SYN with a valid cookie opens a connection at once, its data readable
     * before the handshake completes; on a client the first {@link TcpSocket#sendTo} sends its data in the
     * SYN when a cookie for the server is cached, and asks for one otherwise. A connection a listener made
     * through Fast Open reads 1.
     */
    TCP_FASTOPEN(Level.TCP),
    /**
     * TCP over UDP: the peer's UDP port (1 to 65535; 0, the default, for plain TCP) every segment of the
     * connection goes to, inside a UDP datagram from {@code net.inet.tcp.udp_tunneling_port}. Set before
     * connecting (EINVAL after, and for a port other than 0 while the tunneling port is 0). A connection a
     * listener accepted reads the port its peer's segments came from.
     */
    TCP_REMOTE_UDP_ENCAPS_PORT(Level.TCP),
    /**
     * TCP MD5 signatures (RFC 2385, FreeBSD's TCP_MD5SIG): 1 signs every segment of the connection (a
     * listener's: of its connections) with the host's key for the pair of addresses
     * ({@code Stack.tcpMd5Keys()}), and drops every segment received that is not signed right with the key for
     * the reverse pair; a segment without a key is not sent. 0 (the default) turns it off.
     */
    TCP_MD5SIG(Level.TCP),
    /**
     * The IP header's TOS byte for the connection's segments, 0 to 255 (IPPROTO_IP); as in FreeBSD, TCP keeps
     * the DSCP bits only (the ECN field is TCP's own) and a listener's value passes to the connections it accepts.
     */
    IP_TOS(Level.IP),
    /** The IP header's time to live for the connection's segments, 1 to 255 (64 by default; IPPROTO_IP). */
    IP_TTL(Level.IP);

    /** The option's level, as {@code setsockopt}'s second argument. */
    public enum Level { SOCKET, TCP, IP }

    private final Level level;

    SockOpt(Level level) { this.level = level; }

    public Level level() { return level; }
}
