package smpnet.stack.internal.arp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.locking.SharedExclusiveLock;
import smpnet.stack.internal.net.Ether;
import smpnet.stack.internal.Planted;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.Counters;
import smpnet.stack.internal.wire.ArpPacket;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.stats.ArpStat;

/**
 * The ARP cache of one interface (RFC 826), owned by the interface ({@link Ifnet#arp()}), and the output
 * step that needs it: an IP packet for a next hop goes out at once if the MAC is known, else waits in the
 * entry's small hold queue while requests go out at most once per {@link ArpConfig#requestGapNanos()}.
 * Its input comes from {@link Arp#input}, the host's ARP netisr handler.
 *
 * <p>Locking key: {@code lle_table} (rw) guards the map; each entry's {@code lle} mutex its state and
 * hold queue (order: lle_table, then lle). Frames are built and sent, and dropped packets freed, after
 * the entry lock is released: the driver's ring lock is below both, but keeping transmission outside
 * shortens the time an entry is held by the many senders that share it.
 */
public final class ArpTable {
    private final Arp host;
    private final SharedExclusiveLock table;
    private final Scheduler scheduler;
    private final Counters<ArpStat> stats;
    private final Ether ether;
    private final Ifnet ifp;
    private final int localAddress;
    private final int netmask;
    @GuardedBy("lle_table") private final Map<Integer, ArpEntry> entries = new HashMap<>();
    /**
     * The last resolution a sender used: a packet to the same next hop, while it is valid, goes out without
     * taking the table's or the entry's lock (one neighbour carries most of a host's traffic).
     */
    private volatile ArpEntry.Resolved last;

    /**
     * The table of interface {@code ifp}, whose IPv4 address is {@code localAddress} on a network of
     * {@code prefixLength} bits, in the host's ARP {@code host}.
     */
    public ArpTable(Arp host, Ifnet ifp, int localAddress, int prefixLength) {
        this.netmask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        this.host = host;
        this.table = host.locks().rwlock(LockInventory.LLE_TABLE);
        this.scheduler = host.scheduler();
        this.stats = host.stats();
        this.ether = host.ether();
        this.ifp = ifp;
        this.localAddress = localAddress;
    }

    /**
     * Sends IP packet {@code packet} to {@code nextHop} on this link, resolving its MAC first if needed.
     * Takes ownership. Returns true if the packet was sent or is held awaiting a reply.
     */
    public boolean output(int nextHop, Mbuf packet) {
        if (nextHop == -1 || (netmask != -1 && nextHop == (localAddress | ~netmask))) {
            return ether.output(ifp, packet, EthernetHeader.BROADCAST, EthernetHeader.TYPE_IPV4); // nothing to resolve
        }
        long now = scheduler.nanoTime();
        ArpEntry.Resolved r = last;
        if (r != null && r.usableFor(nextHop, now)) return ether.output(ifp, packet, r.mac(), EthernetHeader.TYPE_IPV4);
        long mac = -1;
        boolean request = false;
        List<Mbuf> dropped = new ArrayList<>(0);
        for (boolean done = false; !done; ) {
            ArpEntry e = entryFor(nextHop, true);
            if (e == null) {
                packet.freeChain(); // counted TABLE_FULL
                return false;
            }
            e.lock.lock();
            try {
                if (e.removed) continue; // purged after we found it: a packet held there would be lost
                done = true;
                if (e.validLocked(now)) {
                    mac = e.mac;
                    if (last != e.fast) last = e.fast;
                } else {
                    request = holdLocked(e, packet, now, dropped);
                }
            } finally {
                e.lock.unlock();
            }
        }
        dropped.forEach(Mbuf::freeChain);
        if (mac >= 0) return ether.output(ifp, packet, mac, EthernetHeader.TYPE_IPV4);
        if (request) send(ArpPacket.OP_REQUEST, 0, nextHop, EthernetHeader.BROADCAST, ArpStat.REQUESTS_SENT);
        return true;
    }

    /** Queues {@code packet} on an unresolved entry; returns whether a request should go out now. */
    private boolean holdLocked(ArpEntry e, Mbuf packet, long now, List<Mbuf> dropped) {
        e.lock.assertOwned();
        ArpConfig config = host.config();
        if (e.resolved) {
            e.resolved = false;
            e.fast = null;
            e.tries = 0;
            stats.increment(ArpStat.EXPIRED);
        }
        boolean gapPassed = e.tries == 0 || now - e.lastRequestAt >= config.requestGapNanos();
        if (e.tries >= config.maxTries() && gapPassed) {
            stats.add(ArpStat.UNRESOLVED, e.hold.size());
            dropped.addAll(e.hold);
            e.hold.clear();
            e.tries = 0;
        }
        if (e.hold.size() >= config.maxHold()) {
            dropped.add(e.hold.poll());
            stats.increment(ArpStat.HOLD_OVERFLOW);
        }
        e.hold.add(packet);
        stats.increment(ArpStat.HELD);
        if (!gapPassed) {
            stats.increment(ArpStat.RATE_LIMITED);
            return false;
        }
        e.tries++;
        e.lastRequestAt = now;
        return true;
    }

    /** ARP input for this interface: learns, answers requests for our address, releases held packets. */
    public void input(Mbuf packet) {
        stats.increment(ArpStat.RECEIVED);
        Mbuf m = packet.pullup(ArpPacket.LENGTH);
        if (m == null) {
            stats.increment(ArpStat.MALFORMED);
            return;
        }
        int op;
        long sha;
        int spa;
        int tpa;
        try {
            ArpPacket a = new ArpPacket(m.data());
            op = a.operation();
            sha = a.senderMac();
            spa = a.senderIp();
            tpa = a.targetIp();
        } catch (MalformedPacketException e) {
            op = 0;
            sha = spa = tpa = 0;
        } finally {
            m.freeChain();
        }
        if (op != ArpPacket.OP_REQUEST && op != ArpPacket.OP_REPLY) {
            stats.increment(ArpStat.MALFORMED);
            return;
        }
        stats.increment(op == ArpPacket.OP_REQUEST ? ArpStat.REQUESTS_RECEIVED : ArpStat.REPLIES_RECEIVED);
        if (Planted.ARP && op == ArpPacket.OP_REPLY && (spa & 0xff) >= 240) throw new IllegalStateException("planted");
        if (spa != 0 && (spa & netmask) != (localAddress & netmask)) {
            stats.increment(ArpStat.OFF_LINK); // we would never resolve it on this link: nothing to learn or answer
            return;
        }
        if (!isStationMac(sha) || spa == localAddress || (spa != 0 && isBroadcast(spa))) {
            stats.increment(ArpStat.BAD_SENDER); // learning it would send our packets to everyone, or to ourselves
            return;
        }
        boolean forUs = tpa == localAddress;
        // RFC 826 "Packet Reception": update an existing entry for the sender; add one only if we are the target.
        if (spa != 0) learn(spa, sha, forUs);
        if (!forUs) {
            stats.increment(ArpStat.NOT_FOR_US);
            return;
        }
        stats.increment(ArpStat.FOR_US);
        if (op == ArpPacket.OP_REQUEST) send(ArpPacket.OP_REPLY, sha, spa, sha, ArpStat.REPLIES_SENT);
    }

    /** A MAC one station can own: not broadcast, not multicast (group bit), not zero, not ours. */
    private boolean isStationMac(long mac) {
        return mac != 0 && (mac >>> 40 & 1) == 0 && mac != ifp.mac().bits();
    }

    /** The network's directed broadcast or its all-zeros host, which no station may claim. */
    private boolean isBroadcast(int ip) {
        int host = ip & ~netmask;
        return ~netmask != 0 && (host == ~netmask || host == 0);
    }

    private void learn(int ip, long mac, boolean create) {
        ArpEntry e = create ? entryFor(ip, false) : find(ip);
        if (e == null) return;
        List<Mbuf> release;
        e.lock.lock();
        try {
            e.resolved = true;
            e.mac = mac;
            e.expiresAt = scheduler.nanoTime() + host.config().keepNanos();
            e.fast = e.removed ? null : new ArpEntry.Resolved(e.ip, mac, e.expiresAt, e);
            e.tries = 0;
            release = new ArrayList<>(e.hold);
            e.hold.clear();
        } finally {
            e.lock.unlock();
        }
        for (Mbuf p : release) ether.output(ifp, p, mac, EthernetHeader.TYPE_IPV4);
    }

    private void send(int op, long tha, int tpa, long frameDst, ArpStat counter) {
        byte[] body = new byte[ArpPacket.LENGTH];
        ArpPacket.write(MemorySegment.ofArray(body), op, ifp.mac().bits(), localAddress, tha, tpa);
        Mbuf m = host.allocator().fromBytes(body, 0, body.length, EthernetHeader.LENGTH, Mbuf.M_NOWAIT);
        if (m == null) {
            stats.increment(ArpStat.NO_BUFFERS);
            return;
        }
        stats.increment(counter);
        ether.output(ifp, m, frameDst, EthernetHeader.TYPE_ARP);
    }

    private ArpEntry find(int ip) {
        table.lockShared();
        try {
            return entries.get(ip);
        } finally {
            table.unlockShared();
        }
    }

    /**
     * The entry for {@code ip}, created if needed; null (counted) when the table is full. Only a packet of
     * ours ({@code evict}) may push an idle entry out of a full table: what others send may fill it, but
     * never keep this host from reaching a neighbour.
     */
    private ArpEntry entryFor(int ip, boolean evict) {
        ArpEntry e = find(ip);
        if (e != null) return e;
        List<ArpEntry> purged = null;
        boolean evicted = false;
        table.lock();
        try {
            // Another thread may have added it between our shared and exclusive acquisitions.
            e = entries.get(ip);
            if (e == null && entries.size() >= host.config().maxEntries()) purged = purgeLocked();
            if (e == null && evict && entries.size() >= host.config().maxEntries()) evicted = evictLocked();
            if (e == null && entries.size() < host.config().maxEntries()) {
                e = new ArpEntry(ip, host.locks().mutex(LockInventory.LLE));
                entries.put(ip, e);
            }
        } finally {
            table.unlock();
        }
        if (purged != null) stats.add(ArpStat.PURGED, purged.size());
        if (evicted) stats.increment(ArpStat.EVICTED);
        if (e == null) stats.increment(ArpStat.TABLE_FULL);
        return e;
    }

    /**
     * Removes entries no one needs: resolved ones past their time, unresolved ones that hold nothing
     * (FreeBSD frees an llentry when its timer finds it expired and unused). Runs only when the table is
     * full, so its walk is paid by the flood that filled it.
     */
    private List<ArpEntry> purgeLocked() {
        table.assertExclusive();
        long now = scheduler.nanoTime();
        List<ArpEntry> gone = new ArrayList<>();
        for (var it = entries.values().iterator(); it.hasNext(); ) {
            ArpEntry e = it.next();
            e.lock.lock();
            try {
                if (e.hold.isEmpty() && !e.validLocked(now)) {
                    e.removed = true; // a thread that found it before this sees the flag and looks again
                    e.fast = null;
                    it.remove();
                    gone.add(e);
                }
            } finally {
                e.lock.unlock();
            }
        }
        return gone;
    }

    /** Removes the idle entry (nothing held) that expires first; false if every entry holds packets. */
    private boolean evictLocked() {
        table.assertExclusive();
        ArpEntry victim = null;
        long soonest = 0;
        for (ArpEntry e : entries.values()) {
            e.lock.lock();
            try {
                if (e.hold.isEmpty() && (victim == null || e.expiresAt - soonest < 0)) {
                    victim = e;
                    soonest = e.expiresAt;
                }
            } finally {
                e.lock.unlock();
            }
        }
        if (victim == null) return false;
        victim.lock.lock();
        try {
            victim.removed = true;
            victim.fast = null;
        } finally {
            victim.lock.unlock();
        }
        entries.remove(victim.ip);
        return true;
    }

    /** Entries now in the table (arp -an | wc -l). */
    public int size() {
        table.lockShared();
        try {
            return entries.size();
        } finally {
            table.unlockShared();
        }
    }

    /** The MAC for {@code ip} if resolved and fresh, else -1 (arp -a). */
    public long lookup(int ip) {
        ArpEntry e = find(ip);
        if (e == null) return -1;
        e.lock.lock();
        try {
            return e.validLocked(scheduler.nanoTime()) ? e.mac : -1;
        } finally {
            e.lock.unlock();
        }
    }

    /** Packets now held for {@code ip}. */
    public int held(int ip) {
        ArpEntry e = find(ip);
        if (e == null) return 0;
        e.lock.lock();
        try {
            return e.hold.size();
        } finally {
            e.lock.unlock();
        }
    }

    /** Deletes every entry and frees the packets they held (arp -d -a); returns how many packets. */
    public int flush() {
        List<ArpEntry> all;
        table.lock();
        try {
            all = new ArrayList<>(entries.values());
            entries.clear();
        } finally {
            table.unlock();
        }
        List<Mbuf> out = new ArrayList<>();
        for (ArpEntry e : all) {
            e.lock.lock();
            try {
                e.removed = true; // a sender that found it before the clear looks again
                e.fast = null;
                out.addAll(e.hold);
                e.hold.clear();
            } finally {
                e.lock.unlock();
            }
        }
        out.forEach(Mbuf::freeChain);
        return out.size();
    }

    /** Frees every held packet (interface detach, host shutdown); returns how many. */
    public int drain() {
        List<ArpEntry> all;
        table.lockShared();
        try {
            all = new ArrayList<>(entries.values());
        } finally {
            table.unlockShared();
        }
        int n = 0;
        for (ArpEntry e : all) {
            List<Mbuf> out;
            e.lock.lock();
            try {
                out = new ArrayList<>(e.hold);
                e.hold.clear();
            } finally {
                e.lock.unlock();
            }
            out.forEach(Mbuf::freeChain);
            n += out.size();
        }
        return n;
    }
}
