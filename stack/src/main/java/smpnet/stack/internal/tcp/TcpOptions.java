package smpnet.stack.internal.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * TCP options: FreeBSD's parser ({@code tcp_dooptions}) and its output layouts ({@code tcp_addoptions}).
 *
 * <h2>Output</h2>
 * A caller says which options a segment carries with a set of bits ({@link #MSS}, {@link #WSCALE},
 * {@link #SACK_PERMITTED}, {@link #TIMESTAMP}, {@link #SIGNATURE}, {@link #SACK}, {@link #FAST_OPEN}; {@link #NONE}
 * for TCP_NOOPT),
 * with FreeBSD's values of {@code TOF_*}. They are written in that order, each preceded by NOPs to its
 * alignment, and the whole is padded to a multiple of 4 with one EOL and then zeros:
 * <ul>
 *   <li>MSS starts at a multiple of 4;</li>
 *   <li>WSCALE (3 bytes) starts at an odd offset, never 0;</li>
 *   <li>SACK_PERMITTED (2 bytes) starts at an even offset;</li>
 *   <li>TIMESTAMP (10 bytes), SIGNATURE (18 bytes, RFC 2385) and SACK start at offset 2 modulo 4, never 0;</li>
 *   <li>FAST_OPEN (RFC 7413 4.1.1: kind 34, length 2 plus the cookie, 0 to 16 bytes) follows the others
 *       without alignment;</li>
 *   <li>an option that no longer fits in 40 bytes is left out; SACK carries as many blocks as fit.</li>
 * </ul>
 * So FreeBSD 14's SYN with every option is 20 bytes, packetdrill's
 * {@code <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>}:
 * <pre>
 *  offset  0  1  2  3   4   5  6  7   8  9   10 11 12..15  16..19
 *          02 04 05 b4  01  03 03 06  04 02   08 0a tsval   tsecr
 *          mss 1460     nop wscale 6  sackOK  TS
 * </pre>
 * Other layouts that follow from the rules:
 * <pre>
 *  MSS|WSCALE|SACK_PERMITTED (no timestamps)  02 04 mm mm 01 03 03 ws 04 02 00 00   mss,nop,wscale,sackOK,eol,eol (12)
 *  MSS|WSCALE                                 02 04 mm mm 01 03 03 ws               mss,nop,wscale (8)
 *  MSS|SACK_PERMITTED|TIMESTAMP               02 04 mm mm 04 02 08 0a v v v v e e e e  mss,sackOK,TS (16)
 *  MSS|TIMESTAMP                              02 04 mm mm 01 01 08 0a v v v v e e e e  mss,nop,nop,TS (16)
 *  MSS                                        02 04 mm mm                           mss (4)
 *  TIMESTAMP (data and ACK segments)          01 01 08 0a v v v v e e e e           nop,nop,TS (12)
 *  TIMESTAMP|SACK, n blocks (n at most 3)     nop,nop,TS, nop,nop, 05 (2+8n), blocks   (16 + 8n)
 *  SACK, n blocks (n at most 4)               01 01 05 (2+8n), blocks               nop,nop,sack (4 + 8n)
 * </pre>
 *
 * <h2>Input</h2>
 * {@link #parse(MemorySegment, boolean)} walks the options as FreeBSD does: EOL ends them; NOP is one byte;
 * any other kind needs a length byte of at least 2 that stays within the options, else the walk stops
 * there and what was parsed so far is kept, with {@link Parsed#malformed()} set for the caller to count.
 * A known option with the wrong length is skipped; MSS, WSCALE and SACK_PERMITTED count on a SYN only, SACK
 * blocks never on a SYN; a window scale above 14 is taken as 14 (RFC 7323 2.3). A Fast Open option counts
 * on a SYN only, its cookie of any length (the cache and the server judge the length). Parsing never
 * throws, for any bytes.
 */
public final class TcpOptions {
    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WSCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMP = 8;
    /** TCP Fast Open (RFC 7413 4.1.1, TCPOPT_FAST_OPEN). */
    public static final int KIND_FAST_OPEN = 34;
    public static final int LEN_MSS = 4;
    public static final int LEN_WSCALE = 3;
    public static final int LEN_SACK_PERMITTED = 2;
    public static final int LEN_TIMESTAMP = 10;
    /** Bytes of one SACK block (two sequence numbers). */
    public static final int LEN_SACK_BLOCK = 8;
    /** Most option bytes a header holds (TCP_MAXOLEN). */
    public static final int MAX_LENGTH = 40;
    /** The largest window shift (TCP_MAX_WINSHIFT). */
    public static final int MAX_WSCALE = 14;
    /** The most SACK blocks one option holds (38 bytes of 40 after the kind and length). */
    public static final int MAX_SACK_BLOCKS = 4;

    /** No option (TCP_NOOPT). The bits below are FreeBSD's TOF_* values, in its output order. */
    public static final int NONE = 0;
    public static final int MSS = 0x01;
    public static final int WSCALE = 0x02;
    public static final int SACK_PERMITTED = 0x04;
    public static final int TIMESTAMP = 0x10;
    /**
     * The TCP-MD5 signature option (RFC 2385, TOF_SIGNATURE): kind 19, length 18, its 16-byte digest written
     * as zeros for {@link TcpSignature} to fill; it starts at offset 2 modulo 4, never 0.
     */
    public static final int SIGNATURE = 0x40;
    public static final int SACK = 0x80;
    public static final int FAST_OPEN = 0x100;
    private static final int[] ORDER = {MSS, WSCALE, SACK_PERMITTED, TIMESTAMP, SIGNATURE, SACK, FAST_OPEN};

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int[] NO_BLOCKS = new int[0];

    private TcpOptions() {}

    /**
     * What a segment's options said. {@code mss} and {@code wscale} are -1 when absent; {@code tsVal} and
     * {@code tsEcr} mean something only with {@code hasTimestamp}; {@code sackBlocks} holds start/end pairs
     * (at most {@link #MAX_SACK_BLOCKS}); {@code malformed} says the walk stopped at a bad length (an option
     * with a length below 2, or running past the options), keeping what came before. {@code fastOpenCookie}
     * is a SYN's Fast Open cookie (empty: a cookie request), null without the option.
     */
    public record Parsed(int mss, int wscale, boolean sackPermitted, boolean hasTimestamp, int tsVal, int tsEcr,
                         int[] sackBlocks, boolean malformed, byte[] fastOpenCookie) {
        /** The options of a 20-byte header. */
        public static final Parsed EMPTY = new Parsed(-1, -1, false, false, 0, 0, NO_BLOCKS, false, null);

        /** Without a Fast Open option. */
        public Parsed(int mss, int wscale, boolean sackPermitted, boolean hasTimestamp, int tsVal, int tsEcr,
                      int[] sackBlocks, boolean malformed) {
            this(mss, wscale, sackPermitted, hasTimestamp, tsVal, tsEcr, sackBlocks, malformed, null);
        }

        public int sackBlockCount() { return sackBlocks.length / 2; }

        /** The bits ({@link #MSS} ...) of the options present, for tracing and TCP_INFO. */
        public int present() {
            return (mss >= 0 ? MSS : 0) | (wscale >= 0 ? WSCALE : 0) | (sackPermitted ? SACK_PERMITTED : 0)
                    | (hasTimestamp ? TIMESTAMP : 0) | (sackBlocks.length > 0 ? SACK : 0)
                    | (fastOpenCookie != null ? FAST_OPEN : 0);
        }
    }

    /** Parses every option whatever the segment (MSS, WSCALE and SACK_PERMITTED included, SACK included). */
    public static Parsed parse(MemorySegment opts) { return walk(opts, true, true); }

    /**
     * Parses as FreeBSD's tcp_dooptions for a segment with ({@code syn}) or without the SYN flag: the
     * SYN-only options are ignored on other segments, and SACK blocks on a SYN.
     */
    public static Parsed parse(MemorySegment opts, boolean syn) { return walk(opts, syn, !syn); }

    private static Parsed walk(MemorySegment opts, boolean synOptions, boolean sackBlocks) {
        long cnt = opts.byteSize();
        if (cnt == 0) return Parsed.EMPTY;
        int mss = -1;
        int wscale = -1;
        boolean sackOk = false;
        boolean ts = false;
        int tsVal = 0;
        int tsEcr = 0;
        int[] blocks = NO_BLOCKS;
        boolean malformed = false;
        byte[] cookie = null;
        long p = 0;
        while (p < cnt) {
            int kind = u8(opts, p);
            if (kind == KIND_EOL) break;
            if (kind == KIND_NOP) {
                p++;
                continue;
            }
            if (cnt - p < 2) {
                malformed = true;
                break;
            }
            int len = u8(opts, p + 1);
            if (len < 2 || len > cnt - p) {
                malformed = true;
                break;
            }
            switch (kind) {
                case KIND_MSS -> {
                    if (len == LEN_MSS && synOptions) mss = opts.get(U16, p + 2) & 0xffff;
                }
                case KIND_WSCALE -> {
                    if (len == LEN_WSCALE && synOptions) wscale = Math.min(u8(opts, p + 2), MAX_WSCALE);
                }
                case KIND_SACK_PERMITTED -> {
                    if (len == LEN_SACK_PERMITTED && synOptions) sackOk = true;
                }
                case KIND_TIMESTAMP -> {
                    if (len == LEN_TIMESTAMP) {
                        ts = true;
                        tsVal = opts.get(U32, p + 2);
                        tsEcr = opts.get(U32, p + 6);
                    }
                }
                case KIND_SACK -> {
                    if (len > 2 && (len - 2) % LEN_SACK_BLOCK == 0 && sackBlocks) {
                        int n = (len - 2) / LEN_SACK_BLOCK;
                        blocks = new int[2 * n];
                        for (int i = 0; i < 2 * n; i++) blocks[i] = opts.get(U32, p + 2 + 4L * i);
                    }
                }
                case KIND_FAST_OPEN -> {
                    if (synOptions) cookie = opts.asSlice(p + 2, len - 2).toArray(ValueLayout.JAVA_BYTE);
                }
                default -> { }
            }
            p += len;
        }
        return new Parsed(mss, wscale, sackOk, ts, tsVal, tsEcr, blocks, malformed, cookie);
    }

    /** The bytes {@link #write} produces for {@code which} options and {@code sackBlocks} SACK blocks. */
    public static int length(int which, int sackBlocks) {
        return emit(null, 0, which, 0, 0, 0, 0, null, sackBlocks, null) & 0xff;
    }

    /** How many of {@code sackBlocks} SACK blocks fit after the other options of {@code which}. */
    public static int sackBlocksThatFit(int which, int sackBlocks) {
        return emit(null, 0, which, 0, 0, 0, 0, null, sackBlocks, null) >>> 8 & 0xff;
    }

    /**
     * Whether a Fast Open option with a cookie of {@code cookieLength} bytes fits after the other options of
     * {@code which} (tcp_addoptions leaves it out otherwise, and tcp_output then sends no data on the SYN).
     */
    public static boolean fastOpenFits(int which, int cookieLength) {
        return (emit(null, 0, which | FAST_OPEN, 0, 0, 0, 0, null, 0, new byte[cookieLength]) & FO_WRITTEN) != 0;
    }

    /**
     * Writes the options of {@code which} at {@code off} of {@code dst} in FreeBSD's layout (see the class
     * comment), padded to a multiple of 4; returns the bytes written. {@code sackBlocks} holds start/end
     * pairs (at least {@code nSackBlocks} of them), of which the first {@code nSackBlocks} are sent, as many
     * as fit ({@link #sackBlocksThatFit}).
     */
    public static int write(MemorySegment dst, long off, int which, int mss, int wscale, int tsVal, int tsEcr,
                            int[] sackBlocks, int nSackBlocks) {
        if ((which & SACK) != 0 && nSackBlocks > 0 && (sackBlocks == null || sackBlocks.length < 2 * nSackBlocks)) {
            throw new IllegalArgumentException(nSackBlocks + " SACK blocks asked for, fewer given");
        }
        return emit(dst, off, which, mss, wscale, tsVal, tsEcr, sackBlocks, nSackBlocks, null) & 0xff;
    }

    /** As {@link #write}, into a new array (for {@code TcpHeader.write}). */
    public static byte[] build(int which, int mss, int wscale, int tsVal, int tsEcr, int[] sackBlocks, int nSackBlocks) {
        return build(which & ~FAST_OPEN, mss, wscale, tsVal, tsEcr, sackBlocks, nSackBlocks, null);
    }

    /** As {@link #build(int, int, int, int, int, int[], int)}, with a Fast Open option carrying {@code cookie}. */
    public static byte[] build(int which, int mss, int wscale, int tsVal, int tsEcr, int[] sackBlocks, int nSackBlocks,
                               byte[] cookie) {
        int n = sackBlocks == null ? 0 : Math.min(nSackBlocks, sackBlocks.length / 2);
        if (cookie == null) which &= ~FAST_OPEN;
        if (which == TIMESTAMP) return timestampOnly(tsVal, tsEcr);
        byte[] b = new byte[emit(null, 0, which, 0, 0, 0, 0, null, n, cookie) & 0xff];
        emit(MemorySegment.ofArray(b), 0, which, mss, wscale, tsVal, tsEcr, sackBlocks, n, cookie);
        return b;
    }

    /**
     * {@code <nop,nop,TS val V ecr E>}, what {@link #emit} writes for the timestamp alone (every data segment
     * and ACK of a connection with timestamps), written straight into its array: no length pass, no segment.
     */
    private static byte[] timestampOnly(int tsVal, int tsEcr) {
        return new byte[] {KIND_NOP, KIND_NOP, KIND_TIMESTAMP, LEN_TIMESTAMP,
            (byte) (tsVal >>> 24), (byte) (tsVal >>> 16), (byte) (tsVal >>> 8), (byte) tsVal,
            (byte) (tsEcr >>> 24), (byte) (tsEcr >>> 16), (byte) (tsEcr >>> 8), (byte) tsEcr};
    }

    /** A SYN's or SYN-ACK's options: {@code which} limited to MSS, WSCALE, SACK_PERMITTED and TIMESTAMP. */
    public static byte[] syn(int which, int mss, int wscale, int tsVal, int tsEcr) {
        return build(which & (MSS | WSCALE | SACK_PERMITTED | TIMESTAMP), mss, wscale, tsVal, tsEcr, null, 0);
    }

    /** A data or ACK segment's timestamp: {@code <nop,nop,TS val V ecr E>}. */
    public static byte[] timestamp(int tsVal, int tsEcr) { return build(TIMESTAMP, 0, 0, tsVal, tsEcr, null, 0); }

    /** SACK blocks, after a timestamp if {@code withTimestamp}: {@code <nop,nop,TS val V ecr E,nop,nop,sack a:b ...>}. */
    public static byte[] sack(boolean withTimestamp, int tsVal, int tsEcr, int[] sackBlocks, int nSackBlocks) {
        return build(SACK | (withTimestamp ? TIMESTAMP : 0), 0, 0, tsVal, tsEcr, sackBlocks, nSackBlocks);
    }

    /**
     * FreeBSD's tcp_addoptions; writes nothing when {@code dst} is null (a length computation). Returns the
     * length in the low 8 bits, the number of SACK blocks written above them, and {@link #FO_WRITTEN} if the
     * Fast Open option ({@code cookie}) fit.
     */
    private static int emit(MemorySegment dst, long off, int which, int mss, int wscale, int tsVal, int tsEcr,
                            int[] sackBlocks, int nSackBlocks, byte[] cookie) {
        int written = 0;
        int optlen = 0;
        int blocks = 0;
        for (int bit : ORDER) {
            if ((which & bit) == 0 || bit == SACK && nSackBlocks <= 0) continue; // FreeBSD sets TOF_SACK with blocks only
            if (optlen == MAX_LENGTH) break;
            switch (bit) {
                case MSS -> {
                    while (optlen % 4 != 0) optlen = put(dst, off, optlen, KIND_NOP);
                    if (MAX_LENGTH - optlen < LEN_MSS) continue;
                    optlen = put(dst, off, optlen, KIND_MSS);
                    optlen = put(dst, off, optlen, LEN_MSS);
                    optlen = put(dst, off, optlen, mss >>> 8);
                    optlen = put(dst, off, optlen, mss);
                }
                case WSCALE -> {
                    while (optlen == 0 || optlen % 2 != 1) optlen = put(dst, off, optlen, KIND_NOP);
                    if (MAX_LENGTH - optlen < LEN_WSCALE) continue;
                    optlen = put(dst, off, optlen, KIND_WSCALE);
                    optlen = put(dst, off, optlen, LEN_WSCALE);
                    optlen = put(dst, off, optlen, wscale);
                }
                case SACK_PERMITTED -> {
                    while (optlen % 2 != 0) optlen = put(dst, off, optlen, KIND_NOP);
                    if (MAX_LENGTH - optlen < LEN_SACK_PERMITTED) continue;
                    optlen = put(dst, off, optlen, KIND_SACK_PERMITTED);
                    optlen = put(dst, off, optlen, LEN_SACK_PERMITTED);
                }
                case TIMESTAMP -> {
                    while (optlen == 0 || optlen % 4 != 2) optlen = put(dst, off, optlen, KIND_NOP);
                    if (MAX_LENGTH - optlen < LEN_TIMESTAMP) continue;
                    optlen = put(dst, off, optlen, KIND_TIMESTAMP);
                    optlen = put(dst, off, optlen, LEN_TIMESTAMP);
                    optlen = put32(dst, off, optlen, tsVal);
                    optlen = put32(dst, off, optlen, tsEcr);
                }
                case SIGNATURE -> {
                    while (optlen == 0 || optlen % 4 != 2) optlen = put(dst, off, optlen, KIND_NOP);
                    if (MAX_LENGTH - optlen < TcpSignature.LENGTH) continue;
                    optlen = put(dst, off, optlen, TcpSignature.KIND);
                    optlen = put(dst, off, optlen, TcpSignature.LENGTH);
                    for (int i = 0; i < TcpSignature.DIGEST_LENGTH; i++) optlen = put(dst, off, optlen, 0);
                }
                case FAST_OPEN -> {
                    if (cookie == null || MAX_LENGTH - optlen < 2 + cookie.length) continue;
                    optlen = put(dst, off, optlen, KIND_FAST_OPEN);
                    optlen = put(dst, off, optlen, 2 + cookie.length);
                    for (byte c : cookie) optlen = put(dst, off, optlen, c);
                    written = FO_WRITTEN;
                }
                default -> { // SACK
                    while (optlen == 0 || optlen % 4 != 2) optlen = put(dst, off, optlen, KIND_NOP);
                    if (MAX_LENGTH - optlen < 2 + LEN_SACK_BLOCK) continue;
                    int n = Math.min(nSackBlocks, (MAX_LENGTH - optlen - 2) / LEN_SACK_BLOCK);
                    blocks = n;
                    optlen = put(dst, off, optlen, KIND_SACK);
                    optlen = put(dst, off, optlen, 2 + n * LEN_SACK_BLOCK);
                    for (int i = 0; i < 2 * n; i++) optlen = put32(dst, off, optlen, dst == null ? 0 : sackBlocks[i]);
                }
            }
        }
        if (optlen % 4 != 0) optlen = put(dst, off, optlen, KIND_EOL);
        while (optlen % 4 != 0) optlen = put(dst, off, optlen, 0);
        return optlen | blocks << 8 | written;
    }

    private static final int FO_WRITTEN = 1 << 16;

    private static int put(MemorySegment dst, long off, int at, int b) {
        if (dst != null) dst.set(ValueLayout.JAVA_BYTE, off + at, (byte) b);
        return at + 1;
    }

    private static int put32(MemorySegment dst, long off, int at, int v) {
        if (dst != null) dst.set(U32, off + at, v);
        return at + 4;
    }

    private static int u8(MemorySegment s, long off) { return s.get(ValueLayout.JAVA_BYTE, off) & 0xff; }

    /**
     * The options as packetdrill writes them ({@code mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0},
     * {@code sack 1001:2001}, {@code eol}); an unknown option as {@code kind K len L}; a walk stopped by a
     * bad length ends with {@code malformed}.
     */
    public static String toString(MemorySegment opts) {
        StringBuilder sb = new StringBuilder();
        long cnt = opts.byteSize();
        long p = 0;
        while (p < cnt) {
            if (!sb.isEmpty()) sb.append(',');
            int kind = u8(opts, p);
            if (kind == KIND_EOL || kind == KIND_NOP) {
                sb.append(kind == KIND_EOL ? "eol" : "nop");
                p++;
                continue;
            }
            int len = cnt - p < 2 ? -1 : u8(opts, p + 1);
            if (len < 2 || len > cnt - p) {
                sb.append("malformed");
                break;
            }
            if (kind == KIND_MSS && len == LEN_MSS) {
                sb.append("mss ").append(opts.get(U16, p + 2) & 0xffff);
            } else if (kind == KIND_WSCALE && len == LEN_WSCALE) {
                sb.append("wscale ").append(u8(opts, p + 2));
            } else if (kind == KIND_SACK_PERMITTED && len == LEN_SACK_PERMITTED) {
                sb.append("sackOK");
            } else if (kind == KIND_TIMESTAMP && len == LEN_TIMESTAMP) {
                sb.append("TS val ").append(Integer.toUnsignedString(opts.get(U32, p + 2)))
                  .append(" ecr ").append(Integer.toUnsignedString(opts.get(U32, p + 6)));
            } else if (kind == TcpSignature.KIND && len == TcpSignature.LENGTH) {
                sb.append("md5 ");
                for (long q = p + 2; q < p + len; q++) sb.append(String.format("%02x", u8(opts, q)));
            } else if (kind == KIND_FAST_OPEN) {
                sb.append("FO");
                if (len > 2) sb.append(' ');
                for (long q = p + 2; q < p + len; q++) sb.append(String.format("%02x", u8(opts, q)));
            } else if (kind == KIND_SACK && len > 2 && (len - 2) % LEN_SACK_BLOCK == 0) {
                sb.append("sack");
                for (long q = p + 2; q < p + len; q += LEN_SACK_BLOCK) {
                    sb.append(' ').append(Integer.toUnsignedString(opts.get(U32, q)))
                      .append(':').append(Integer.toUnsignedString(opts.get(U32, q + 4)));
                }
            } else {
                sb.append("kind ").append(kind).append(" len ").append(len);
            }
            p += len;
        }
        return sb.toString();
    }
}
