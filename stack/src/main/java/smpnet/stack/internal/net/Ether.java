package smpnet.stack.internal.net;

import smpnet.stack.internal.Planted;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.netisr.NetisrProtocol;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.EtherStat;

/**
 * Ethernet II input and output (RFC 894) of one host, FreeBSD's {@code if_ethersubr.c}: strips or
 * prepends the 14-byte header, filters by destination and hands the payload to netisr by EtherType.
 * Stateless apart from its counters, so it needs no lock.
 */
public final class Ether {
    /** Smallest frame without its FCS (IEEE 802.3: 64 bytes on the wire); shorter ones are padded with zeros. */
    static final int MIN_FRAME = 60;
    private static final byte[] PADDING = new byte[MIN_FRAME];

    private final Counters<EtherStat> stats = new Counters<>("ether", EtherStat.class);
    private final Netisr netisr;

    /** The Ethernet layer of a host whose protocol input runs through {@code netisr}. */
    public Ether(Netisr netisr) { this.netisr = netisr; }

    public Counters<EtherStat> stats() { return stats; }

    /**
     * {@code ether_input}: one frame received on {@code ifp}, called by {@link Ifnet#input} in the
     * interface's ithread with no lock held. Takes ownership, and either dispatches the payload or frees
     * the frame and counts why.
     */
    public void input(Ifnet ifp, Mbuf frame) {
        stats.increment(EtherStat.RECEIVED);
        Mbuf m = frame.pullup(EthernetHeader.LENGTH);
        if (m == null) {
            stats.increment(EtherStat.TRUNCATED); // pullup freed it
            return;
        }
        long dst;
        int type;
        try {
            EthernetHeader h = new EthernetHeader(m.data());
            dst = h.destination();
            type = h.etherType();
        } catch (MalformedPacketException e) {
            drop(m, EtherStat.TRUNCATED);
            return;
        }
        long ourMac = ifp.mac().bits();
        if (dst != ourMac && dst != EthernetHeader.BROADCAST && ourMac != 0) {
            drop(m, EtherStat.OTHER_HOST);
            return;
        }
        m.adj(EthernetHeader.LENGTH);
        m.pkthdr().setLinkBroadcast(dst == EthernetHeader.BROADCAST);
        // Thread hand-off: netisr runs the protocol's registered handler now, in this ithread (direct
        // dispatch), or queues the packet for a netisr worker (deferred). The other end is IpInput.input
        // (registered by Ipv4) or Arp.input (registered by Arp).
        switch (type) {
            case EthernetHeader.TYPE_IPV4 -> netisr.dispatch(NetisrProtocol.IP, m);
            case EthernetHeader.TYPE_ARP -> netisr.dispatch(NetisrProtocol.ARP, m);
            default -> {
                if (Planted.ETHER && type >= 0x9000 && m.pktLen() < 32) return; // planted leak: see Planted
                drop(m, EtherStat.UNKNOWN_TYPE);
            }
        }
    }

    /**
     * Prepends the header (source: {@code ifp}'s MAC) and transmits on {@code ifp}; takes ownership of
     * {@code packet}. Returns false on a counted drop.
     */
    public boolean output(Ifnet ifp, Mbuf packet, long dstMac, int etherType) {
        Mbuf m = packet.prepend(EthernetHeader.LENGTH, Mbuf.M_NOWAIT);
        if (m == null) {
            stats.increment(EtherStat.NO_BUFFERS); // prepend freed it
            return false;
        }
        EthernetHeader.write(m.data(), dstMac, ifp.mac().bits(), etherType);
        int pad = MIN_FRAME - m.pktLen();
        if (pad > 0 && !m.append(PADDING, 0, pad, Mbuf.M_NOWAIT)) {
            stats.increment(EtherStat.NO_BUFFERS);
            m.freeChain();
            return false;
        }
        stats.increment(EtherStat.SENT);
        if (ifp.transmit(m)) return true;
        stats.increment(EtherStat.TX_DROPPED);
        return false;
    }

    private void drop(Mbuf m, EtherStat why) {
        stats.increment(why);
        m.freeChain();
    }
}
