package smpnet.stack.internal.net;

import java.util.Arrays;

/**
 * The interfaces of one host by index, FreeBSD's {@code ifnet_byindex}: a packet header names the
 * interface it arrived on by index ({@code pkthdr.rcvIf}), so mbufs do not depend on interfaces, and a
 * protocol that needs the interface itself (ARP input, IP's loopback check) looks it up here.
 *
 * <p>Locking key: filled by the configuring thread before the host starts; the start of the host's threads
 * publishes it, and it is only read after that.
 */
public final class IfIndex {
    /** Largest index: the netisr source id keeps the RX queue in the low 8 bits of an int. */
    public static final int MAX_INDEX = 0x7fffff;

    private Ifnet[] byIndex = new Ifnet[8];

    /** Adds {@code ifp} under its index; throws if the index is taken. */
    public void add(Ifnet ifp) {
        int i = ifp.index();
        if (i >= byIndex.length) byIndex = Arrays.copyOf(byIndex, Math.max(i + 1, 2 * byIndex.length));
        if (byIndex[i] != null) {
            throw new IllegalArgumentException("interface index " + i + " is taken by " + byIndex[i].name());
        }
        byIndex[i] = ifp;
    }

    /** The interface with index {@code i}; null for 0 (a locally generated packet) or an unknown index. */
    public Ifnet get(int i) {
        Ifnet[] a = byIndex;
        return i > 0 && i < a.length ? a[i] : null;
    }

    /** The next free index. */
    public int next() {
        for (int i = 1; i < byIndex.length; i++) if (byIndex[i] == null) return i;
        return byIndex.length;
    }
}
