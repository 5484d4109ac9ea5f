package smpnet.stack.config;

/**
 * ARP timers and bounds (FreeBSD defaults: entries kept 20 min, 16 packets held, a request a second,
 * 5 tries before giving up).
 *
 * @param keepNanos         how long a resolved entry is used before it must be resolved again
 * @param maxHold           packets one unresolved entry may hold (the oldest is dropped beyond that)
 * @param requestGapNanos   least time between two requests for the same address (RFC 1122 2.3.2.1)
 * @param maxTries          requests sent before the held packets are dropped as unreachable
 */
public record ArpConfig(long keepNanos, int maxHold, long requestGapNanos, int maxTries) {
    public static final ArpConfig DEFAULT = new ArpConfig(1_200_000_000_000L, 16, 1_000_000_000L, 5);

    public ArpConfig {
        if (keepNanos <= 0 || maxHold < 1 || requestGapNanos < 0 || maxTries < 1) {
            throw new IllegalArgumentException("bad ARP config");
        }
    }
}
