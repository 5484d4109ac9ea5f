package smpnet.stack.internal.tcp;

/** Sequence number arithmetic modulo 2^32 (RFC 9293 3.4). */
public final class TcpSeq {
    private TcpSeq() {}

    public static int diff(int a, int b) { return a - b; }

    public static boolean lt(int a, int b) { return a - b < 0; }

    public static boolean le(int a, int b) { return a - b <= 0; }

    public static boolean gt(int a, int b) { return a - b > 0; }

    public static boolean ge(int a, int b) { return a - b >= 0; }

    public static int max(int a, int b) { return gt(a, b) ? a : b; }

    public static int min(int a, int b) { return lt(a, b) ? a : b; }

    public static boolean between(int lo, int x, int hi) { return le(lo, x) && le(x, hi); }
}
