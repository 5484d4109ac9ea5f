package smpnet.stack.net;

/** The Internet checksum (RFC 1071) over byte arrays: what the frame generator needs to build valid frames. */
final class InetChecksum {
    private InetChecksum() {}

    /** Adds {@code len} bytes from {@code off} as big-endian 16-bit words to {@code sum} (unfolded). */
    static long add(long sum, byte[] b, int off, int len) {
        int i = 0;
        for (; i + 1 < len; i += 2) sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if (i < len) sum += (b[off + i] & 0xff) << 8; // RFC 1071: an odd byte is padded with zero
        return sum;
    }

    /** Folds the carries and complements: the checksum field value. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }
}
