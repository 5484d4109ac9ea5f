package smpnet.stack.internal.tcp;

/**
 * When the receiver acknowledges data: at once, or later, when the delayed-ACK timer fires
 * ({@code net.inet.tcp.delacktime}, 40 ms). TCP input asks once per data segment it accepts, in order or
 * not, under the connection's pcb lock ({@code inp}; Giant in giant mode), from the thread running input
 * (an ithread or a netisr worker: the policy may not sleep or take locks).
 *
 * <p>The rules the default follows: RFC 9293 3.10.7.4 (step seven) and RFC 1122 4.2.3.2 let a receiver
 * delay an ACK, by less than 0.5 s; RFC 5681 4.2 asks for an ACK for at least every second full-sized
 * segment, and for an immediate ACK of a segment that arrives out of order or fills a hole (the sender's
 * loss recovery counts those duplicate ACKs). FreeBSD's {@code DELAY_ACK} (tcp_input.c) is the rule
 * {@link #FREEBSD} implements. Input keeps two overrides of its own: with {@code net.inet.tcp.delayed_ack}
 * at 0, or after a zero window was advertised, it acknowledges at once whatever the policy says.
 *
 * <p>A host uses {@link #FREEBSD} unless given another ({@code Stack.tcpAckPolicy}); the course's lab 8
 * plugs a student's policy in here, so the stack's own rule stays correct whatever the lab's code does.
 */
@FunctionalInterface
public interface AckPolicy {
    /**
     * True if the ACK of {@code a} may wait for the delayed-ACK timer; false to acknowledge it at once.
     */
    boolean delay(Arrival a);

    /**
     * One accepted data segment, as input saw it before taking it in.
     *
     * @param seq             the sequence number of its first data byte
     * @param length          how many data bytes it carries (more than zero)
     * @param rcvNxt          the next sequence number expected (RCV.NXT), before this segment
     * @param maxseg          the connection's maximum segment size (a full-sized segment carries this many)
     * @param reassemblyEmpty true if no out-of-order data waits in the reassembly queue
     * @param ackPending      true if an ACK is already owed: the delayed-ACK timer runs for an earlier segment
     */
    record Arrival(int seq, int length, int rcvNxt, int maxseg, boolean reassemblyEmpty, boolean ackPending) {}

    /**
     * FreeBSD's {@code DELAY_ACK}: delay only a segment that arrives in order with nothing queued out of order,
     * is no larger than one full-sized segment, and finds no ACK owed; so the second segment of a pair is
     * acknowledged at once, together with the first.
     */
    AckPolicy FREEBSD = a -> a.seq() == a.rcvNxt() && a.reassemblyEmpty() && !a.ackPending()
            && a.length() <= a.maxseg();
}
