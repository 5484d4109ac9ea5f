package smpnet.stack.internal.tcp;

/**
 * What TCP calls on the socket layer above a connection (FreeBSD's soisconnected, sorwakeup, sonewconn
 * ...). Every method is called with the connection's {@code inp} lock held, and may take the socket's
 * buffer locks (so_snd, so_rcv come after inp in the lock order).
 */
public interface TcpSocketHooks {
    /** The receive buffer (in-order data the application has not read). */
    StreamBuffer rcv();

    /** The send buffer (data written and not yet acknowledged). */
    StreamBuffer snd();

    /**
     * soisconnected: the handshake completed; a passively opened connection joins its listener's queue.
     * False if that listener has closed meanwhile: TCP then aborts the connection.
     */
    boolean connectedLocked();

    /** soisdisconnected: nothing more will be sent or received; wakes every waiter. */
    void disconnectedLocked();

    /** socantrcvmore: the peer's FIN arrived, readers see end of stream once the buffer is read. */
    void cantRcvMoreLocked();

    /** sorwakeup: data arrived. */
    void readableLocked();

    /** sowwakeup: acknowledged data left the send buffer. */
    void writableLocked();

    /**
     * Records so_error without waking anyone (tcp_drop's {@code so->so_error = errno}): the disconnect that
     * follows under the same pcb lock wakes the waiters, who then see the error and the end together.
     */
    void errorBeforeDisconnectLocked(int errno);

    /**
     * sonewconn on a listening socket: a new socket for a connection completing the handshake, or null if
     * the listen queue is full (over 3/2 of the backlog, as FreeBSD).
     */
    TcpSocketHooks newConnectionLocked();

    /** The control block TCP made for a socket {@link #newConnectionLocked} returned. */
    void pcbCreatedLocked(Tcpcb tp);

    /** SS_NOFDREF: the application has closed the socket (data arriving after that is answered by RST). */
    boolean closedByUserLocked();
}
