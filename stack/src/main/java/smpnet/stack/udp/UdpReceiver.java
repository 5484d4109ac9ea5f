package smpnet.stack.udp;

/**
 * Where UDP input hands a datagram for a pcb: the socket layer's receive buffer. Called with the pcb's
 * {@code inp} lock held; takes ownership of {@code payload}.
 */
public interface UdpReceiver {
    /** Appends one datagram; returns false if it did not fit (a counted "full socket buffer" drop). */
    boolean deliverLocked(int srcAddr, int srcPort, smpnet.stack.mbuf.Mbuf payload);
}
