package smpnet.stack.socket;

/** The states of RFC 9293's connection state machine, numbered as FreeBSD's {@code tcp_fsm.h}. */
public enum TcpState {
    CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK, FIN_WAIT_2,
    TIME_WAIT;

    /** FreeBSD's number (TCPS_CLOSED = 0 ... TCPS_TIME_WAIT = 10). */
    public int number() { return ordinal(); }
}
