package smpnet.stack.internal.tcp;

/**
 * Modular comparisons of 32-bit sequence numbers held in ints (FreeBSD's {@code SEQ_LT} family in
 * {@code tcp_seq.h}): a is before b when the signed difference a - b is negative, which stays right across the
 * wrap as long as the two are less than 2^31 apart. Used by the reassembly queue and the SACK scoreboard.
 */
final class Seq32 {
    private Seq32() {}

    static boolean lt(int a, int b) { return a - b < 0; }

    static boolean le(int a, int b) { return a - b <= 0; }

    static boolean gt(int a, int b) { return a - b > 0; }

    static boolean ge(int a, int b) { return a - b >= 0; }

    static int max(int a, int b) { return gt(a, b) ? a : b; }

    static int min(int a, int b) { return lt(a, b) ? a : b; }
}
