package smpnet.stack.ip;

import smpnet.stack.arp.ArpTable;
import smpnet.stack.ether.EtherLink;
import smpnet.stack.mbuf.Mbuf;

/**
 * An interface as IP sees it: the link, its address and prefix, and the ARP cache that resolves next
 * hops on it. The address is fixed when the interface is attached, so it needs no lock.
 */
public final class IpInterface {
    private final EtherLink link;
    private final int address;
    private final int prefixLength;
    private final ArpTable arp;

    public IpInterface(EtherLink link, int address, int prefixLength, ArpTable arp) {
        this.link = link;
        this.address = address;
        this.prefixLength = prefixLength;
        this.arp = arp;
    }

    public EtherLink link() { return link; }

    public String name() { return link.name(); }

    public int address() { return address; }

    public int prefixLength() { return prefixLength; }

    public int netmask() { return prefixLength == 0 ? 0 : -1 << (32 - prefixLength); }

    /** The directed broadcast address of the attached network. */
    public int broadcast() { return address | ~netmask(); }

    public ArpTable arp() { return arp; }

    public int mtu() { return link.mtu(); }

    /** Sends an IP packet to {@code nextHop} on this link (resolving it first); takes ownership. */
    boolean output(int nextHop, Mbuf packet) { return arp.output(nextHop, packet); }

    @Override public String toString() { return link.name(); }
}
