package smpnet.stack;

import smpnet.stack.internal.ether.EtherLink;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.Ifnet;

/** Adapts an interface of the net package to the {@link EtherLink} the protocols send through. */
final class IfnetLink implements EtherLink {
    private final Ifnet ifp;

    IfnetLink(Ifnet ifp) { this.ifp = ifp; }

    @Override public String name() { return ifp.name(); }

    @Override public long mac() { return ifp.mac().bits(); }

    @Override public int mtu() { return ifp.mtu(); }

    @Override public boolean transmit(Mbuf frame) { return ifp.transmit(frame); }

    @Override public String toString() { return ifp.name(); }
}
