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
    /**
     * The resolution senders may use without the lock (FreeBSD's arpresolve fast path reads a valid llentry
     * under the network epoch alone): written under the lock whenever {@link #resolved}, {@link #mac},
     * {@link #expiresAt} or {@link #removed} change, null while the entry is not resolved or is removed.
     */
    volatile Resolved fast;

    /** A resolution as published in {@link #fast}; a sender checks that it is still its entry's and not expired. */
    record Resolved(int ip, long mac, long expiresAt, ArpEntry entry) {
        boolean usableFor(int nextHop, long now) {
            return ip == nextHop && now - expiresAt < 0 && entry.fast == this;
        }
    }

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
