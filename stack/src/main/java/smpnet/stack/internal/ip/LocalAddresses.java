package smpnet.stack.internal.ip;

import java.util.Arrays;
import smpnet.locking.SharedExclusiveLock;

/**
 * The host's IPv4 addresses (FreeBSD's {@code in_ifaddrhead}): what input reads on every packet to decide
 * "is it for us", and output to send a packet for one of our own addresses back to input.
 *
 * <p>Locking key: {@code if_addr} (rm, read-mostly; Giant in giant mode) serialises writers, which publish a
 * new array; readers read the published array without a lock (FreeBSD reads the list inside the network
 * epoch): an {@link IpInterface} never changes, so a reader sees a whole list, the one before an addition
 * or the one after.
 */
final class LocalAddresses {
    private final SharedExclusiveLock ifAddr;
    /** Written under {@code if_addr}, read without it. */
    private volatile IpInterface[] interfaces = new IpInterface[0];

    LocalAddresses(SharedExclusiveLock ifAddr) { this.ifAddr = ifAddr; }

    void add(IpInterface ifc) {
        ifAddr.lock();
        try {
            IpInterface[] old = interfaces;
            IpInterface[] now = Arrays.copyOf(old, old.length + 1);
            now[old.length] = ifc;
            interfaces = now;
        } finally {
            ifAddr.unlock();
        }
    }

    /** True if {@code dst} is one of our addresses, a directed broadcast of our networks, or limited broadcast. */
    boolean isLocal(int dst) {
        if (dst == -1) return true;
        for (IpInterface i : interfaces) {
            if (i.address() == dst || (i.prefixLength() < 31 && i.broadcast() == dst)) return true;
        }
        return false;
    }

    /** True if {@code a} is the address of one of our interfaces (not a broadcast). */
    boolean isOwnAddress(int a) {
        for (IpInterface i : interfaces) if (i.address() == a) return true;
        return false;
    }

    /** True if {@code dst} is a broadcast address for us (no ICMP errors answer those: RFC 1122 3.2.2). */
    boolean isBroadcast(int dst) {
        if (dst == -1) return true;
        for (IpInterface i : interfaces) if (i.prefixLength() < 31 && i.broadcast() == dst) return true;
        return false;
    }
}
