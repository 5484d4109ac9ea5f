package smpnet.stack.internal.ip;

import java.util.ArrayList;
import smpnet.locking.GuardedBy;
import smpnet.locking.SharedExclusiveLock;

/**
 * The host's IPv4 addresses (FreeBSD's {@code in_ifaddrhead}): what input reads on every packet to decide
 * "is it for us", and output to send a packet for one of our own addresses back to input.
 *
 * <p>Locking key: {@code if_addr} (rm, read-mostly; Giant in giant mode) guards {@code interfaces}: every
 * packet reads it, only configuration writes it.
 */
final class LocalAddresses {
    private final SharedExclusiveLock ifAddr;
    @GuardedBy("if_addr") private final ArrayList<IpInterface> interfaces = new ArrayList<>();

    LocalAddresses(SharedExclusiveLock ifAddr) { this.ifAddr = ifAddr; }

    void add(IpInterface ifc) {
        ifAddr.lock();
        try {
            interfaces.add(ifc);
        } finally {
            ifAddr.unlock();
        }
    }

    /** True if {@code dst} is one of our addresses, a directed broadcast of our networks, or limited broadcast. */
    boolean isLocal(int dst) {
        if (dst == -1) return true;
        ifAddr.lockShared();
        try {
            for (IpInterface i : interfaces) {
                if (i.address() == dst || (i.prefixLength() < 31 && i.broadcast() == dst)) return true;
            }
            return false;
        } finally {
            ifAddr.unlockShared();
        }
    }

    /** True if {@code a} is the address of one of our interfaces (not a broadcast). */
    boolean isOwnAddress(int a) {
        ifAddr.lockShared();
        try {
            for (IpInterface i : interfaces) if (i.address() == a) return true;
            return false;
        } finally {
            ifAddr.unlockShared();
        }
    }

    /** True if {@code dst} is a broadcast address for us (no ICMP errors answer those: RFC 1122 3.2.2). */
    boolean isBroadcast(int dst) {
        if (dst == -1) return true;
        ifAddr.lockShared();
        try {
            for (IpInterface i : interfaces) if (i.prefixLength() < 31 && i.broadcast() == dst) return true;
            return false;
        } finally {
            ifAddr.unlockShared();
        }
    }
}
