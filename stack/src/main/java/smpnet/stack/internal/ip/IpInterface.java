package smpnet.stack.internal.ip;

import smpnet.stack.internal.arp.ArpTable;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.mbuf.Mbuf;

/**
 * An interface as IP sees it (FreeBSD's {@code in_ifaddr}): the interface, its address and prefix. The
 * address is fixed when the interface is attached, so it needs no lock.
 */
public final class IpInterface {
    private final Ifnet ifp;
    private final int address;
    private final int prefixLength;

    public IpInterface(Ifnet ifp, int address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix " + prefixLength);
        this.ifp = ifp;
        this.address = address;
        this.prefixLength = prefixLength;
    }

    /** True for a loopback interface (no ARP; packets of 127/8 may arrive only through it). */
    public boolean isLoopback() { return ifp.isLoopback(); }

    public Ifnet ifnet() { return ifp; }

    public String name() { return ifp.name(); }

    public int address() { return address; }

    public int prefixLength() { return prefixLength; }

    public int netmask() { return prefixLength == 0 ? 0 : -1 << (32 - prefixLength); }

    /** The directed broadcast address of the attached network. */
    public int broadcast() { return address | ~netmask(); }

    /** The ARP cache of this link; null on loopback. */
    public ArpTable arp() { return ifp.arp(); }

    public int mtu() { return ifp.mtu(); }

    /** Sends an IP packet to {@code nextHop} on this link ({@link Ifnet#output}); takes ownership. */
    boolean output(int nextHop, Mbuf packet) { return ifp.output(nextHop, packet); }

    @Override public String toString() { return ifp.name(); }
}
