package smpnet.stack.internal.tcp.cc;

import java.util.List;

/** The algorithms by name ({@code net.inet.tcp.cc.algorithm}, {@code net.inet.tcp.cc.available}) and the initial window. */
public final class CcAlgorithms {
    /** FreeBSD 14's default algorithm. */
    public static final String DEFAULT = "cubic";
    /** FreeBSD 14's default {@code net.inet.tcp.initcwnd_segments}. */
    public static final int INITCWND_SEGMENTS = 10;

    private static final List<CcAlgorithm> ALL = List.of(NewReno.INSTANCE, Cubic.INSTANCE);

    private CcAlgorithms() {}

    /** The algorithm named {@code name}; IllegalArgumentException naming it (and the known ones) if unknown. */
    public static CcAlgorithm byName(String name) {
        for (CcAlgorithm a : ALL) {
            if (a.name().equals(name)) return a;
        }
        throw new IllegalArgumentException("unknown congestion control algorithm \"" + name + "\" (available: "
                + String.join(", ", names()) + ")");
    }

    /** Names of the available algorithms. */
    public static List<String> names() { return ALL.stream().map(CcAlgorithm::name).toList(); }

    /**
     * The initial window (FreeBSD's {@code tcp_compute_initwnd}): with {@code initcwndSegments} n > 0, RFC 6928's
     * min(n·mss, max(2·mss, n·1460)), so 10 segments give min(10·mss, max(2·mss, 14600)); with 0, RFC 3390's
     * min(4·mss, max(2·mss, 4380)).
     */
    public static int initialWindow(int mss, int initcwndSegments) {
        if (mss <= 0 || initcwndSegments < 0) {
            throw new IllegalArgumentException("initial window of mss " + mss + ", " + initcwndSegments + " segments");
        }
        if (initcwndSegments > 0) {
            return (int) Math.min((long) initcwndSegments * mss, Math.max(2L * mss, initcwndSegments * 1460L));
        }
        return Math.min(4 * mss, Math.max(2 * mss, 4380));
    }
}
