package smpnet.stack.internal.tcp;

import java.lang.foreign.MemorySegment;

/** TCP options: parsing and FreeBSD's output layouts. */
public final class TcpOptions {
    public static final int EOL = 0;
    public static final int NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WSCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMP = 8;
    /** Most option bytes a header holds. */
    public static final int MAX_LENGTH = 40;
    public static final int MAX_WSCALE = 14;
    public static final int MAX_SACK_BLOCKS = 4;

    /** No option: TCP_NOOPT. */
    public static final int NONE = 0;
    public static final int MSS = 0x01;
    public static final int WSCALE = 0x02;
    public static final int SACK_PERMITTED = 0x04;
    public static final int TIMESTAMP = 0x10;
    public static final int SACK = 0x80;

    private TcpOptions() {}

    public record Parsed(int mss, int wscale, boolean sackPermitted, boolean hasTimestamp, int tsVal, int tsEcr,
                         int[] sackBlocks, boolean malformed) {
        public int sackBlockCount() { return sackBlocks.length / 2; }
    }

    public static Parsed parse(MemorySegment opts) { throw new UnsupportedOperationException(); }

    public static Parsed parse(MemorySegment opts, boolean syn) { throw new UnsupportedOperationException(); }

    public static int length(int which, int sackBlocks) { throw new UnsupportedOperationException(); }

    public static int sackBlocksThatFit(int which, int sackBlocks) { throw new UnsupportedOperationException(); }

    public static int write(MemorySegment dst, long off, int which, int mss, int wscale, int tsVal, int tsEcr,
                            int[] sackBlocks, int nSackBlocks) {
        throw new UnsupportedOperationException();
    }

    public static byte[] build(int which, int mss, int wscale, int tsVal, int tsEcr, int[] sackBlocks, int nSackBlocks) {
        throw new UnsupportedOperationException();
    }

    public static byte[] syn(int which, int mss, int wscale, int tsVal, int tsEcr) { throw new UnsupportedOperationException(); }

    public static byte[] timestamp(int tsVal, int tsEcr) { throw new UnsupportedOperationException(); }

    public static byte[] sack(boolean withTimestamp, int tsVal, int tsEcr, int[] sackBlocks, int nSackBlocks) {
        throw new UnsupportedOperationException();
    }

    public static String toString(MemorySegment opts) { throw new UnsupportedOperationException(); }
}
