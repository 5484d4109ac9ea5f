package smpnet.stack.internal.ip;

import java.util.concurrent.ConcurrentHashMap;
import smpnet.locking.Scheduler;

/**
 * Path MTU per destination host (RFC 1191; FreeBSD keeps it in its TCP host cache): what an ICMP
 * "fragmentation needed" taught about one destination, never about a whole route, so one forged message
 * cannot shrink the packets to a whole network. An entry expires after {@link #EXPIRE_NANOS} (RFC 1191
 * 6.3: try the larger MTU again after about ten minutes), values below {@link #FLOOR} are refused, and the
 * cache holds at most {@code limit} destinations.
 *
 * <p>Locking: none of its own; a concurrent map is read by every output and written only by ICMP input.
 * A lost race between two writers of one destination keeps either value, both of them valid reports.
 */
public final class PathMtuCache {
    /** The smallest path MTU believed (Linux's min_pmtu): below it, a report is more likely an attack. */
    public static final int FLOOR = 552;
    /** How long a learned path MTU is used (RFC 1191 6.3). */
    public static final long EXPIRE_NANOS = 600_000_000_000L;
    /** Destinations remembered at most, by default. */
    public static final int DEFAULT_LIMIT = 1024;

    /** What {@link #lower} did with a report. */
    public enum Update { LOWERED, NOT_LOWER, BELOW_FLOOR, FULL }

    private record Entry(int mtu, long expiresAt) {}

    private final ConcurrentHashMap<Integer, Entry> entries = new ConcurrentHashMap<>();
    private final Scheduler clock;
    private final int limit;

    public PathMtuCache(Scheduler clock, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit " + limit);
        this.clock = clock;
        this.limit = limit;
    }

    /** The path MTU learned toward {@code dst} and not yet expired, or 0 if none. */
    public int mtu(int dst) {
        if (entries.isEmpty()) return 0; // the common case: no report ever came, no clock read
        Entry e = entries.get(dst);
        if (e == null) return 0;
        if (clock.nanoTime() - e.expiresAt >= 0) {
            entries.remove(dst, e);
            return 0;
        }
        return e.mtu;
    }

    /** Records that the path to {@code dst} carries at most {@code mtu} bytes, if believable and smaller. */
    public Update lower(int dst, int mtu, int linkMtu) {
        if (mtu < FLOOR) return Update.BELOW_FLOOR;
        int known = mtu(dst);
        if (mtu >= (known == 0 ? linkMtu : known)) return Update.NOT_LOWER;
        if (known == 0 && entries.size() >= limit) {
            long now = clock.nanoTime();
            entries.values().removeIf(e -> now - e.expiresAt >= 0);
            if (entries.size() >= limit) return Update.FULL;
        }
        entries.put(dst, new Entry(mtu, clock.nanoTime() + EXPIRE_NANOS));
        return Update.LOWERED;
    }

    /** Forgets every learned path MTU (net.inet.tcp.hostcache.purgenow). */
    public void clear() { entries.clear(); }

    /** Destinations with an entry (expired ones included until they are next looked at). */
    public int size() { return entries.size(); }
}
