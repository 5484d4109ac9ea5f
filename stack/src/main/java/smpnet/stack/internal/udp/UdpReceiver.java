package smpnet.stack.internal.udp;

import smpnet.stack.mbuf.Mbuf;

/**
 * Where UDP input hands what arrives for a pcb: the socket layer's receive buffer. Both methods are
 * called with the pcb's {@code inp} lock held.
 */
public interface UdpReceiver {
    /** Error code for an ICMP port unreachable about a connected socket's datagram (FreeBSD ECONNREFUSED). */
    int ECONNREFUSED = 61;
    /** Error code for an ICMP host or net unreachable (EHOSTUNREACH). */
    int EHOSTUNREACH = 65;

    /**
     * Appends one datagram's payload; returns false if it did not fit (UDP counts the drop and frees it).
     * On true the receiver owns {@code payload}.
     */
    boolean deliverLocked(int srcAddr, int srcPort, Mbuf payload);

    /** Records an asynchronous error for the socket (so_error), reported by its next call. */
    void errorLocked(int error);
}
