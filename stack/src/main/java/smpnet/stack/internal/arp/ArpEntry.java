package smpnet.stack.internal.arp;

import java.util.ArrayDeque;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.stack.mbuf.Mbuf;

/**
 * One ARP cache entry (FreeBSD's llentry): an address, its MAC once resolved, and the packets waiting for
 * it. Locking key: every mutable field is guarded by the entry's {@code lle} mutex.
 */
final class ArpEntry {
    final int ip;
    final ExclusiveLock lock;
    @GuardedBy("lle") boolean resolved;
    @GuardedBy("lle") long mac;
    @GuardedBy("lle") long expiresAt;
    @GuardedBy("lle") long lastRequestAt;
    @GuardedBy("lle") int tries;
    /** Set when the entry leaves the table (purged); who still holds a reference must look again. */
    @GuardedBy("lle") boolean removed;
    @GuardedBy("lle") final ArrayDeque<Mbuf> hold = new ArrayDeque<>();

    ArpEntry(int ip, ExclusiveLock lock) {
        this.ip = ip;
        this.lock = lock;
    }

    /** True if resolved and not expired at {@code now}. */
    boolean validLocked(long now) {
        lock.assertOwned();
        return resolved && now - expiresAt < 0;
    }
}
