package smpnet.witness;

/**
 * A learned (or declared, or imported) order "from is taken before to" between two classes. The type bits
 * say in which modes it was seen: bit (fromHeldExclusive ? 2 : 0) | (toRequestedExclusive ? 1 : 0).
 */
final class Edge {
    static final int ALL_TYPES = 0b1111;

    /** Where an edge came from. */
    enum Origin { LEARNED, DECLARED, IMPORTED }

    final LockClass from;
    final LockClass to;
    // Written under OrderGraph's monitor; read lock-free on the check path (a stale read only leads to
    // the locked slow path, which reads again).
    volatile int types;
    volatile Origin origin;
    /** Thread that first took the order, or where it was declared/imported. */
    volatile String where;
    /** Stack of the first acquisition in this order; empty for declared or imported edges without one. */
    volatile StackTraceElement[] stack;

    Edge(LockClass from, LockClass to, int types, Origin origin, String where, StackTraceElement[] stack) {
        this.from = from;
        this.to = to;
        this.types = types;
        this.origin = origin;
        this.where = where;
        this.stack = stack;
    }

    static int typeBit(boolean fromExclusive, boolean toExclusive) {
        return 1 << ((fromExclusive ? 2 : 0) | (toExclusive ? 1 : 0));
    }

    boolean has(int bit) { return (types & bit) != 0; }

    /** Types as text, e.g. "EE,SE": first letter the mode `from` was held in, second the mode `to` was asked in. */
    static String typeNames(int types) {
        StringBuilder sb = new StringBuilder();
        for (int t = 3; t >= 0; t--) {
            if ((types & (1 << t)) != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append((t & 2) != 0 ? 'E' : 'S').append((t & 1) != 0 ? 'E' : 'S');
            }
        }
        return sb.toString();
    }

    static int parseTypes(String text) {
        int types = 0;
        for (String t : text.split(",")) {
            t = t.trim();
            if (t.length() != 2 || "ES".indexOf(t.charAt(0)) < 0 || "ES".indexOf(t.charAt(1)) < 0) {
                throw new IllegalArgumentException("bad edge type '" + t + "' (expected EE, ES, SE or SS)");
            }
            types |= typeBit(t.charAt(0) == 'E', t.charAt(1) == 'E');
        }
        return types;
    }
}
