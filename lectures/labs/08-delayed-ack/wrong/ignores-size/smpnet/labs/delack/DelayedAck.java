package smpnet.labs.delack;

import smpnet.stack.internal.tcp.AckPolicy;

/**
 * When this host's TCP acknowledges the data it receives: at once, or after the delayed-ACK timer (README.md).
 * TCP input calls {@link #delay} once per data segment it accepts.
 *
 * <p>Locking key: no state. {@link #delay} runs under the connection's pcb lock, in the thread running TCP
 * input (an ithread or a netisr worker): it may not sleep, and needs no lock of its own.
 */
final class DelayedAck implements AckPolicy {
    @Override
    public boolean delay(Arrival a) {
        // RFC 5681 4.2: out of order, or filling a hole (data waits beyond it): acknowledge at once.
        boolean inOrder = a.seq() == a.rcvNxt() && a.reassemblyEmpty();
        // At least every second full-sized segment: one is owed already, so this one is the second.
        boolean second = a.ackPending();
        return inOrder && !second;
    }
}
