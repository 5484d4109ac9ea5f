package smpnet.stack.internal.ether;

import smpnet.stack.internal.Planted;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.Counters;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.stats.EtherStat;

/**
 * Ethernet II input and output (RFC 894) of one host: strips or prepends the 14-byte header, filters by
 * destination and demultiplexes by EtherType. Stateless apart from its counters, so it needs no lock.
 */
public final class Ether {
    /** Where input hands a frame's payload, by EtherType. */
    public interface Demux {
        void ipInput(Mbuf packet);

        void arpInput(Mbuf packet);
    }

    /** Smallest frame without its FCS (IEEE 802.3: 64 bytes on the wire); shorter ones are padded with zeros. */
    static final int MIN_FRAME = 60;
    private static final byte[] PADDING = new byte[MIN_FRAME];

    private final Counters<EtherStat> stats = new Counters<>("ether", EtherStat.class);

    public Counters<EtherStat> stats() { return stats; }

    /**
     * Input of one frame received on a link with MAC {@code ourMac}: takes ownership, and either passes the
     * payload on or frees the frame and counts why.
     */
    public void input(Mbuf frame, long ourMac, Demux up) {
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
        if (dst != ourMac && dst != EthernetHeader.BROADCAST && ourMac != 0) {
            drop(m, EtherStat.OTHER_HOST);
            return;
        }
        m.adj(EthernetHeader.LENGTH);
        m.pkthdr().setLinkBroadcast(dst == EthernetHeader.BROADCAST);
        switch (type) {
            case EthernetHeader.TYPE_IPV4 -> up.ipInput(m);
            case EthernetHeader.TYPE_ARP -> up.arpInput(m);
            default -> {
                if (Planted.ETHER && type >= 0x9000 && m.pktLen() < 32) return; // planted leak: see Planted
                drop(m, EtherStat.UNKNOWN_TYPE);
            }
        }
    }

    /** Prepends the header and transmits; takes ownership of {@code packet}. Returns false on a counted drop. */
    public boolean output(EtherLink link, Mbuf packet, long dstMac, int etherType) {
        Mbuf m = packet.prepend(EthernetHeader.LENGTH, Mbuf.M_NOWAIT);
        if (m == null) {
            stats.increment(EtherStat.NO_BUFFERS); // prepend freed it
            return false;
        }
        EthernetHeader.write(m.data(), dstMac, link.mac(), etherType);
        int pad = MIN_FRAME - m.pktLen();
        if (pad > 0 && !m.append(PADDING, 0, pad, Mbuf.M_NOWAIT)) {
            stats.increment(EtherStat.NO_BUFFERS);
            m.freeChain();
            return false;
        }
        stats.increment(EtherStat.SENT);
        if (link.transmit(m)) return true;
        stats.increment(EtherStat.TX_DROPPED);
        return false;
    }

    private void drop(Mbuf m, EtherStat why) {
        stats.increment(why);
        m.freeChain();
    }
}
