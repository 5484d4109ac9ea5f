package smpnet.stack.internal.tcp.cc;

/** The algorithms by name ({@code net.inet.tcp.cc.algorithm}) and the initial window. */
public final class CcAlgorithms {
    /** FreeBSD 14's default algorithm. */
    public static final String DEFAULT = "cubic";
    /** FreeBSD 14's default {@code net.inet.tcp.initcwnd_segments}. */
    public static final int INITCWND_SEGMENTS = 10;

    private CcAlgorithms() {}

    /** The algorithm named {@code name}; IllegalArgumentException naming it if unknown. */
    public static CcAlgorithm byName(String name) { throw new UnsupportedOperationException("not yet"); }

    /** Names of the available algorithms. */
    public static java.util.List<String> names() { throw new UnsupportedOperationException("not yet"); }

    /** RFC 6928 initial window: min(segments·mss, max(2·mss, 14600)); 0 segments means RFC 3390's. */
    public static int initialWindow(int mss, int initcwndSegments) { throw new UnsupportedOperationException("not yet"); }
}
