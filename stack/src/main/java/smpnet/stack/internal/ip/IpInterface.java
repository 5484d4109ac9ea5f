package smpnet.stack.internal.ip;

import java.util.function.Predicate;
import smpnet.stack.internal.arp.ArpTable;
import smpnet.stack.internal.ether.EtherLink;
import smpnet.stack.mbuf.Mbuf;

/**
 * An interface as IP sees it: the link, its address and prefix, and the ARP cache that resolves next
 * hops on it (none on loopback). The address is fixed when the interface is attached, so it needs no lock.
 */
public final class IpInterface {
    private final EtherLink link;
    private final int address;
    private final int prefixLength;
    private final ArpTable arp;
    /** How a link without ARP (loopback) sends; null on links that resolve next hops. */
    private final Predicate<Mbuf> direct;

    public IpInterface(EtherLink link, int address, int prefixLength, ArpTable arp) {
        this(link, address, prefixLength, arp, null);
    }

    private IpInterface(EtherLink link, int address, int prefixLength, ArpTable arp, Predicate<Mbuf> direct) {
        this.link = link;
        this.address = address;
        this.prefixLength = prefixLength;
        this.arp = arp;
        this.direct = direct;
    }

    /**
     * The loopback interface: no next hop to resolve, every packet goes to {@code send} (which frames and
     * transmits it, taking ownership).
     */
    public static IpInterface loopback(EtherLink link, int address, int prefixLength, Predicate<Mbuf> send) {
        return new IpInterface(link, address, prefixLength, null, send);
    }

    /** True for the loopback interface (no ARP; packets of 127/8 may arrive only through it). */
    public boolean isLoopback() { return direct != null; }

    public EtherLink link() { return link; }

    public String name() { return link.name(); }

    public int address() { return address; }

    public int prefixLength() { return prefixLength; }

    public int netmask() { return prefixLength == 0 ? 0 : -1 << (32 - prefixLength); }

    /** The directed broadcast address of the attached network. */
    public int broadcast() { return address | ~netmask(); }

    /** The ARP cache of this link; null on loopback. */
    public ArpTable arp() { return arp; }

    public int mtu() { return link.mtu(); }

    /** Sends an IP packet to {@code nextHop} on this link (resolving it first); takes ownership. */
    boolean output(int nextHop, Mbuf packet) { return direct != null ? direct.test(packet) : arp.output(nextHop, packet); }

    @Override public String toString() { return link.name(); }
}
