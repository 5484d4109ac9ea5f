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
        // TODO: as handed out, every segment is acknowledged at once: correct, and twice the ACKs it needs.
        return false;
    }
}
