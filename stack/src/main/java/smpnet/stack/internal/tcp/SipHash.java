package smpnet.stack.internal.tcp;

/** SipHash-2-4 (Aumasson and Bernstein). */
public final class SipHash {
    private SipHash() {}

    public static long hash(long k0, long k1, byte[] msg, int off, int len) { throw new UnsupportedOperationException(); }

    public static long hash(long k0, long k1, long m0, long m1) { throw new UnsupportedOperationException(); }
}
