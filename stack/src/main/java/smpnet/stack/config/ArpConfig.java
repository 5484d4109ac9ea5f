package smpnet.stack.config;

/**
 * ARP timers and bounds (FreeBSD defaults: entries kept 20 min, 16 packets held, a request a second,
 * 5 tries before giving up), and a bound on the table's size.
 *
 * @param keepNanos         how long a resolved entry is used before it must be resolved again
 * @param maxHold           packets one unresolved entry may hold (the oldest is dropped beyond that)
 * @param requestGapNanos   least time between two requests for the same address (RFC 1122 2.3.2.1)
 * @param maxTries          requests sent before the held packets are dropped as unreachable
 * @param maxEntries        entries the table holds at most; expired ones make room, else a new one is refused
 */
public record ArpConfig(long keepNanos, int maxHold, long requestGapNanos, int maxTries, int maxEntries) {
    /** Entries one interface's table holds at most by default: a flood of senders finds it full, not the heap. */
    public static final int DEFAULT_MAX_ENTRIES = 1024;
    public static final ArpConfig DEFAULT = new ArpConfig(1_200_000_000_000L, 16, 1_000_000_000L, 5, DEFAULT_MAX_ENTRIES);

    public ArpConfig {
        if (keepNanos <= 0 || maxHold < 1 || requestGapNanos < 0 || maxTries < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("bad ARP config");
        }
    }

    /** The given timers with the default table size. */
    public ArpConfig(long keepNanos, int maxHold, long requestGapNanos, int maxTries) {
        this(keepNanos, maxHold, requestGapNanos, maxTries, DEFAULT_MAX_ENTRIES);
    }

    public ArpConfig withMaxEntries(int n) { return new ArpConfig(keepNanos, maxHold, requestGapNanos, maxTries, n); }
}
