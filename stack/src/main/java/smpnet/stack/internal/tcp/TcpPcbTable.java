package smpnet.stack.internal.tcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.SharedExclusiveLock;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.socket.TcpState;
import smpnet.stack.locks.StackLocks;

/**
 * The TCP pcb tables of a host (FreeBSD's tcbinfo with its hash locks): connections hashed by their
 * 4-tuple, and the ports bound or listening.
 *
 * <pre>
 *   tcbinfo (rm)  ── read by every segment's lookup, written only by bind/listen/close of a bound socket
 *     ├─ bound:     local port -> sockets bound to it (bind, listen)
 *     ├─ listeners: local port -> listening sockets
 *     └─ heads[hash(laddr, lport, faddr, fport)]   a chain through Tcpcb.hashNext, under tcphash lock
 *            └─ connections (connect, accept, TIME_WAIT)   heads[i]'s lock: hashLocks[i mod hashLocks.length]
 * </pre>
 *
 * So opening and closing a connection takes one bucket's lock and never makes every CPU's lookups wait (an
 * rm-lock writer drains every reader). The chains are linked through the pcbs themselves and the buckets
 * share {@link #HASH_LOCKS} locks at most (bucket i takes lock i mod their number), as FreeBSD links its
 * inpcbs on their hash chains: at 100,000 connections a lookup that went through a bucket object, its own
 * mutex and a list (each cold, one cache miss after another) cost a third of a receive thread's time; it now
 * reads the array, a lock that stays cached, and the pcbs it compares. No code holds two buckets' locks at
 * once, so buckets sharing a lock cannot deadlock. A lookup holds tcbinfo shared and the bucket lock together, finds
 * the pcb, drops the bucket lock and takes the pcb's {@code inp} (tcbinfo before inp; tcphash after inp,
 * so a lookup holds nothing below tcbinfo when it asks for inp), then drops tcbinfo. The pcb it locked may
 * have been removed meanwhile: the caller checks {@link Tcpcb#dropped} under inp.
 *
 * <p>Locking key: {@code tcbinfo} guards {@code bound} and {@code listeners}; each bucket's lock guards its
 * list. The ephemeral-port cursor is atomic.
 */
final class TcpPcbTable {
    static final int EPHEMERAL_FIRST = 49152;
    static final int EPHEMERAL_LAST = 65535;
    /** Hash chains of a host's table by default (a power of two): net.inet.tcp.tcbhashsize's default. */
    static final int BUCKETS = 4096;

    /** The most tcphash locks a table has: buckets share them beyond that. */
    static final int HASH_LOCKS = 256;

    final SharedExclusiveLock tcbinfo;
    /**
     * The connection hash (a power of two of buckets): net.inet.tcp.tcbhashsize's, built again by {@link #boot}
     * if that was tuned; fixed after. A lookup walks one chain: connections / buckets entries on average, so a
     * host that serves many connections needs a hash to match, as FreeBSD sizes its tcbhash by maxsockets.
     */
    @GuardedBy("tcphash") private Tcpcb[] heads;
    /** The buckets' locks: bucket i's is {@code hashLocks[i & (hashLocks.length - 1)]}. */
    private ExclusiveLock[] hashLocks;
    private final StackLocks locks;
    @GuardedBy("tcbinfo") private final Map<Integer, List<Tcpcb>> bound = new HashMap<>();
    /**
     * The local ports of the connections in the hash, whatever made them (connect, accept) and whether or not
     * their socket is still open (FIN_WAIT ... TIME_WAIT): each is in use for a bind without SO_REUSEADDR
     * until tcp_close, as FreeBSD's in_pcbbind finds any pcb on the port with its wildcard lookup. Port to
     * (connection to its local address). Added and removed with the connection's hash entry, under its inp
     * and bucket lock (below tcbinfo, so this map is a concurrent one of its own); read under tcbinfo by bind.
     * Each port's map is changed only inside the port's {@code compute} (see {@link #portConnected}), so two
     * connections of one port that enter and leave the hash at once cannot lose each other's entry; bind
     * reads it concurrently.
     */
    private final ConcurrentHashMap<Integer, Map<Tcpcb, Integer>> connected = new ConcurrentHashMap<>();
    @GuardedBy("tcbinfo") private final Map<Integer, List<Tcpcb>> listeners = new HashMap<>();
    private final AtomicInteger nextEphemeral = new AtomicInteger(EPHEMERAL_FIRST);
    private final AtomicInteger connections = new AtomicInteger();

    TcpPcbTable(StackLocks locks) { this(locks, BUCKETS); }

    /** A table of {@code chains} hash chains (a power of two). */
    TcpPcbTable(StackLocks locks, int chains) {
        if (Integer.bitCount(chains) != 1) throw new IllegalArgumentException("chains must be a power of two: " + chains);
        this.tcbinfo = locks.rwlock(LockInventory.TCBINFO);
        this.locks = locks;
        newBuckets(chains);
    }

    /** {@code n} rounded up to a power of two: the hash's index is a mask of the flow hash's high bits. */
    static int roundUp(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    private void newBuckets(int n) {
        heads = new Tcpcb[roundUp(n)];
        hashLocks = new ExclusiveLock[Math.min(heads.length, HASH_LOCKS)];
        for (int i = 0; i < hashLocks.length; i++) hashLocks[i] = locks.mutex(LockInventory.TCPHASH);
    }

    /**
     * The host starts (before its threads do, which then see the table): the hash takes the size
     * net.inet.tcp.tcbhashsize was given before boot, rounded up to a power of two. No connection can be in it yet.
     */
    void boot(int hashSize) {
        if (heads.length != roundUp(hashSize) && connections.get() == 0) newBuckets(hashSize);
    }

    /** The bucket of a 4-tuple: an index into {@link #heads}. */
    private int bucket(int laddr, int lport, int faddr, int fport) {
        return (flowHash(laddr, lport, faddr, fport) >>> 16) & (heads.length - 1);
    }

    private ExclusiveLock hashLock(int bucket) { return hashLocks[bucket & (hashLocks.length - 1)]; }

    /** Buckets of the connection hash (net.inet.tcp.tcbhashsize rounded up). */
    int buckets() { return heads.length; }

    /** Locks the buckets share. */
    int hashLocks() { return hashLocks.length; }

    /**
     * A 32-bit hash of a 4-tuple: the hash chain's index (its high bits) and the connection's flow id, by
     * which a NIC with several transmit queues picks one queue per connection (its low bits).
     */
    static int flowHash(int laddr, int lport, int faddr, int fport) {
        int h = laddr * 31 + faddr;
        h = h * 0x9E3779B1 + (lport << 16 | fport);
        h ^= h >>> 15;
        return h * 0x85EBCA6B;
    }

    // ---- lookups (tcbinfo held shared) ----------------------------------------------------------------

    /**
     * The connection with this 4-tuple (local first), or null. Once per segment: the lock is checked as
     * FreeBSD's INP_HASH_LOCK_ASSERT is, only where assertions are on (tests run with them): a shared hold is
     * known only to its thread, and asking costs a thread-local lookup per segment.
     */
    Tcpcb lookupConnectionLocked(int laddr, int lport, int faddr, int fport) {
        assert tcbinfo.isHeld() : "tcbinfo not held";
        int b = bucket(laddr, lport, faddr, fport);
        ExclusiveLock l = hashLock(b);
        l.lock();
        try {
            for (Tcpcb tp = heads[b]; tp != null; tp = tp.hashNext) {
                if (tp.lport == lport && tp.fport == fport && tp.laddr == laddr && tp.faddr == faddr) return tp;
            }
            return null;
        } finally {
            l.unlock();
        }
    }

    /** The listener for a segment to {@code laddr:lport}: an exact address before a wildcard, or null. */
    Tcpcb lookupListenerLocked(int laddr, int lport) {
        assert tcbinfo.isHeld() : "tcbinfo not held";
        return exactOrWildcard(listeners.get(lport), laddr, false);
    }

    /**
     * In {@code l} (null: none), the pcb bound to exactly {@code laddr}, else one bound to any address, else null;
     * with {@code closedOnly}, only those not connected and in state CLOSED count.
     */
    private static Tcpcb exactOrWildcard(List<Tcpcb> l, int laddr, boolean closedOnly) {
        if (l == null) return null;
        Tcpcb wildcard = null;
        for (Tcpcb tp : l) {
            if (closedOnly && (tp.faddr != 0 || tp.state != TcpState.CLOSED)) continue;
            if (tp.laddr == laddr) return tp;
            if (tp.laddr == 0) wildcard = tp;
        }
        return wildcard;
    }

    /**
     * A socket bound to {@code laddr:lport} that neither listens nor connected (FreeBSD's wildcard lookup finds
     * it, in state CLOSED): an exact address before a wildcard, or null. Its state is read without its inp, as
     * a hint the caller checks again under that lock.
     */
    Tcpcb lookupBoundLocked(int laddr, int lport) {
        tcbinfo.assertLocked();
        return exactOrWildcard(bound.get(lport), laddr, true);
    }

    // ---- bind and listen (tcbinfo exclusive, inp not held: tcbinfo comes first) --------------------------

    /**
     * Reserves {@code addr:port} for {@code tp} (port 0: an ephemeral one). Returns the port, or -1 if it is
     * in use by another bound socket or, without {@code reuse} (SO_REUSEADDR), by a connection (a wildcard
     * address conflicts with every address).
     */
    int bind(Tcpcb tp, int addr, int port, boolean reuse) {
        tcbinfo.lock();
        try {
            int p = port;
            if (p == 0) {
                for (int i = 0; i <= EPHEMERAL_LAST - EPHEMERAL_FIRST && p == 0; i++) {
                    int c = nextEphemeralPort();
                    if (!inUseLocked(addr, c, false)) p = c;
                }
                if (p == 0) return -1;
            } else if (inUseLocked(addr, p, reuse)) {
                return -1;
            }
            bound.computeIfAbsent(p, k -> new ArrayList<>(1)).add(tp);
            return p;
        } finally {
            tcbinfo.unlock();
        }
    }

    /** True if a bind of {@code addr:port} (with SO_REUSEADDR or not) would find the port in use now. */
    boolean inUse(int addr, int port, boolean reuse) {
        tcbinfo.lockShared();
        try {
            return inUseLocked(addr, port, reuse);
        } finally {
            tcbinfo.unlockShared();
        }
    }

    private boolean inUseLocked(int addr, int port, boolean reuse) {
        Map<Tcpcb, Integer> conns = connected.get(port);
        if (!reuse && conns != null) {
            for (int a : conns.values()) if (addr == 0 || a == addr) return true;
        }
        List<Tcpcb> l = bound.get(port);
        if (l == null) return false;
        for (Tcpcb o : l) {
            if (reuse) {
                // SO_REUSEADDR: only an unconnected socket bound to exactly this address is in the way (FreeBSD's
                // in_pcbbind looks the port up without wildcards), so two sockets never listen on one address
                if (o.laddr == addr && (conns == null || !conns.containsKey(o))) return true;
            } else if (o.laddr == 0 || addr == 0 || o.laddr == addr) {
                return true; // the wildcard lookup: any socket on the port whose address overlaps
            }
        }
        return false;
    }

    /** Makes a bound pcb a listener: segments to its port without a connection go to it. */
    void listen(Tcpcb tp) {
        tcbinfo.lock();
        try {
            List<Tcpcb> l = listeners.computeIfAbsent(tp.lport, k -> new ArrayList<>(1));
            if (!l.contains(tp)) l.add(tp);
        } finally {
            tcbinfo.unlock();
        }
    }

    /** Releases the port a socket bound (and its listening). */
    private void unbind(Tcpcb tp, int port) {
        tcbinfo.lock();
        try {
            removeFrom(bound, port, tp);
            removeFrom(listeners, port, tp);
        } finally {
            tcbinfo.unlock();
        }
    }

    /**
     * The socket of {@code tp} is closing: the port it bound is released (and its listening ends). A
     * connection that outlives the socket keeps the port in use through its hash entry (until tcp_close), so
     * a concurrent bind without SO_REUSEADDR never finds the port free while the connection still uses it.
     * Takes inp, then tcbinfo (not both at once).
     */
    void releaseBound(Tcpcb tp) {
        int port;
        tp.lock.lock();
        try {
            port = tp.boundPort;
            tp.boundPort = 0;
        } finally {
            tp.lock.unlock();
        }
        if (port != 0) unbind(tp, port);
    }

    /**
     * Enters {@code tp} in its port's entry of {@link #connected}. The entry is changed inside the port's
     * {@code compute}, atomically per port, so an entry emptied and dropped at the same moment never takes
     * this connection with it; it is a concurrent map changed in place, so a port with n connections costs
     * O(1) per connection, not a copy of n entries (100,000 connections on a server's port).
     */
    private void portConnected(Tcpcb tp) {
        int laddr = tp.laddr;
        connected.compute(tp.lport, (k, m) -> {
            Map<Tcpcb, Integer> entry = m == null ? new ConcurrentHashMap<>(2) : m;
            entry.put(tp, laddr);
            return entry;
        });
    }

    /** Takes {@code tp} out of its port's entry of {@link #connected}, dropping the entry once empty. */
    private void portDisconnected(Tcpcb tp) {
        connected.computeIfPresent(tp.lport, (k, m) -> {
            m.remove(tp);
            return m.isEmpty() ? null : m;
        });
    }

    private static void removeFrom(Map<Integer, List<Tcpcb>> m, int port, Tcpcb tp) {
        List<Tcpcb> l = m.get(port);
        if (l == null) return;
        l.remove(tp);
        if (l.isEmpty()) m.remove(port);
    }

    /** True if some socket has bound or listens on {@code port} (an ephemeral connect avoids those ports). */
    boolean portBound(int port) {
        tcbinfo.lockShared();
        try {
            return bound.containsKey(port);
        } finally {
            tcbinfo.unlockShared();
        }
    }

    int nextEphemeralPort() {
        return nextEphemeral.getAndUpdate(p -> p >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1);
    }

    // ---- connections (inp held, then the bucket's tcphash) --------------------------------------------

    /** Inserts a connection whose 4-tuple is set; false if another connection has that 4-tuple. */
    boolean insertLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        int b = bucket(tp.laddr, tp.lport, tp.faddr, tp.fport);
        ExclusiveLock l = hashLock(b);
        l.lock();
        try {
            for (Tcpcb o = heads[b]; o != null; o = o.hashNext) {
                if (o.lport == tp.lport && o.fport == tp.fport && o.laddr == tp.laddr && o.faddr == tp.faddr) return false;
            }
            tp.hashNext = heads[b];
            heads[b] = tp;
            tp.inHash = true;
            portConnected(tp);
            tp.flowId = flowHash(tp.laddr, tp.lport, tp.faddr, tp.fport);
            tp.flowType = PacketHeader.HASH_OPAQUE;
            connections.incrementAndGet();
            return true;
        } finally {
            l.unlock();
        }
    }

    /** Removes a connection from its chain (in_pcbremhash). */
    void removeLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        if (!tp.inHash) return;
        int b = bucket(tp.laddr, tp.lport, tp.faddr, tp.fport);
        ExclusiveLock l = hashLock(b);
        l.lock();
        try {
            if (heads[b] == tp) {
                heads[b] = tp.hashNext;
            } else {
                Tcpcb o = heads[b];
                while (o != null && o.hashNext != tp) o = o.hashNext;
                if (o == null) throw new IllegalStateException("a connection marked in the hash is not on its chain: " + tp);
                o.hashNext = tp.hashNext;
            }
            tp.hashNext = null;
            tp.inHash = false;
            portDisconnected(tp);
            connections.decrementAndGet();
        } finally {
            l.unlock();
        }
    }

    /** Connections in the hash (every state but LISTEN and CLOSED). */
    int connections() { return connections.get(); }

    /** Every connection in the hash, a snapshot (for closing a host). */
    List<Tcpcb> snapshot() {
        List<Tcpcb> out = new ArrayList<>();
        for (int b = 0; b < heads.length; b++) {
            ExclusiveLock l = hashLock(b);
            l.lock();
            try {
                for (Tcpcb tp = heads[b]; tp != null; tp = tp.hashNext) out.add(tp);
            } finally {
                l.unlock();
            }
        }
        return out;
    }
}
