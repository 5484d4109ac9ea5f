package smpnet.stack.internal.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.SharedExclusiveLock;

/**
 * The routing table of a host (the RIB) with longest-prefix match.
 *
 * <p>Locking key: {@code rib} (rm, read-mostly) guards the table; every packet sent or forwarded
 * looks up under it shared, and only adding or removing a route takes it exclusive. A route's mutable
 * state has its own {@code rtentry} lock, taken after {@code rib} or alone (DESIGN.md order row 8).
 *
 * <p>Lookup keeps one hash map per prefix length and probes from /32 down, skipping empty lengths with a
 * bit mask: at most 33 probes, usually a handful, and easy to read beside a radix tree.
 *
 * @param <I> the stack's interface type
 */
public final class RouteTable<I> {
    private final SharedExclusiveLock rib;
    private final Supplier<ExclusiveLock> entryLocks;
    @GuardedBy("rib") private final List<Map<Integer, Route<I>>> byLength = new ArrayList<>(33);
    /** Bit L set when some route has prefix length L. */
    @GuardedBy("rib") private long lengthsInUse;

    /** {@code rib} guards the table; {@code entryLocks} makes each new route's {@code rtentry} lock. */
    public RouteTable(SharedExclusiveLock rib, Supplier<ExclusiveLock> entryLocks) {
        this.rib = rib;
        this.entryLocks = entryLocks;
        for (int i = 0; i <= 32; i++) byLength.add(new HashMap<>());
    }

    /** Adds (or replaces) the route for {@code prefix/length}; host bits of {@code prefix} are ignored. */
    public Route<I> add(int prefix, int length, int gateway, I iface, int mtu) {
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length " + length);
        int p = prefix & Route.mask(length);
        Route<I> r = new Route<>(p, length, gateway, iface, mtu, entryLocks.get());
        rib.lock();
        try {
            byLength.get(length).put(p, r);
            lengthsInUse |= 1L << length;
        } finally {
            rib.unlock();
        }
        return r;
    }

    /** Removes the route for exactly {@code prefix/length}; returns whether there was one. */
    public boolean remove(int prefix, int length) {
        rib.lock();
        try {
            Map<Integer, Route<I>> m = byLength.get(length);
            boolean removed = m.remove(prefix & Route.mask(length)) != null;
            if (m.isEmpty()) lengthsInUse &= ~(1L << length);
            return removed;
        } finally {
            rib.unlock();
        }
    }

    /** The most specific route covering {@code dst}, or null (no route to host). */
    public Route<I> lookup(int dst) {
        rib.lockShared();
        try {
            return lookupLocked(dst);
        } finally {
            rib.unlockShared();
        }
    }

    @GuardedBy("rib")
    private Route<I> lookupLocked(int dst) {
        assert rib.isHeld() : "rib not held"; // its one caller took it: checked where assertions are on
        long lengths = lengthsInUse;
        while (lengths != 0) {
            int len = 63 - Long.numberOfLeadingZeros(lengths);
            Route<I> r = byLength.get(len).get(dst & Route.mask(len));
            if (r != null) return r;
            lengths &= ~(1L << len);
        }
        return null;
    }

    /** Every route, most specific first (a netstat -r listing). */
    public List<Route<I>> routes() {
        rib.lockShared();
        try {
            List<Route<I>> out = new ArrayList<>();
            for (int len = 32; len >= 0; len--) out.addAll(byLength.get(len).values());
            return out;
        } finally {
            rib.unlockShared();
        }
    }
}
