package smpnet.stack.internal.tcp;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.TcpStat;

/**
 * TCP MD5 signatures (RFC 2385), as FreeBSD's {@code sys/netipsec/xform_tcp.c} makes and checks them, with the
 * host's keys: FreeBSD's TCP-MD5 security associations ({@code setkey add SRC DST tcp SPI -A tcp-md5 "KEY"}),
 * each for the segments from one address to another. A connection with TCP_MD5SIG (TF_SIGNATURE) signs
 * every segment it sends with the key of (its address, the peer's) and checks every segment it receives with
 * the key of (the peer's, its own).
 *
 * <p>The digest (tcp_signature_compute): MD5 over the IPv4 pseudo-header (source, destination, a zero byte,
 * protocol 6, the TCP length: header, options and data, not a UDP tunnel's header), the 20-byte TCP header
 * with its checksum field zero (no options), the segment's data, then the key. The option is kind 19,
 * length 18, the 16-byte digest ({@link TcpOptions#SIGNATURE} places it).
 *
 * <p>Locking key: the key table is a concurrent map; digests are computed on the caller's thread under
 * whatever lock it holds, with a digest of its own.
 */
public final class TcpSignature {
    /** TCPOPT_SIGNATURE. */
    public static final int KIND = 19;
    /** TCPOLEN_SIGNATURE: kind, length and the 16-byte digest. */
    public static final int LENGTH = 18;
    /** TCP_SIGLEN. */
    public static final int DIGEST_LENGTH = 16;
    /** TCP_KEYLEN_MAX: the longest key FreeBSD takes. */
    public static final int MAX_KEY_LENGTH = 80;

    /** The options of a RST from a connection with TCP_MD5SIG: {@code <nop,nop,md5 DIGEST>}, the digest to fill. */
    private static final byte[] RST_OPTIONS = TcpOptions.build(TcpOptions.SIGNATURE, 0, 0, 0, 0, null, 0);

    private final ConcurrentHashMap<Long, byte[]> keys = new ConcurrentHashMap<>();
    private final Counters stats;

    /** Where the counters go (Tcp's tcpstat). */
    interface Counters { void increment(TcpStat s); }

    TcpSignature(Counters stats) { this.stats = stats; }

    /** Adds (or replaces) the key for segments from {@code src} to {@code dst}, 1 to 80 bytes. */
    public void add(int src, int dst, byte[] key) {
        if (key == null || key.length == 0 || key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("a TCP-MD5 key has 1 to " + MAX_KEY_LENGTH + " bytes");
        }
        keys.put(pair(src, dst), key.clone());
    }

    /** Removes the key for segments from {@code src} to {@code dst}; whether there was one. */
    public boolean remove(int src, int dst) { return keys.remove(pair(src, dst)) != null; }

    /** Removes every key ({@code setkey -F}). */
    public void flush() { keys.clear(); }

    /** How many keys there are. */
    public int size() { return keys.size(); }

    private static long pair(int src, int dst) { return (long) src << 32 | (dst & 0xFFFFFFFFL); }

    /**
     * tcp_ipsec_output: signs segment {@code m} (the TCP header at its start, the signature option's digest
     * at {@code digestOff}, zeros) going from {@code src} to {@code dst}, and sets its checksum again.
     * False, counted (tcps_sig_err_buildsig), when there is no key: the segment must not go.
     */
    boolean sign(Mbuf m, int src, int dst, int digestOff) {
        byte[] key = keys.get(pair(src, dst));
        if (key == null) {
            stats.increment(TcpStat.SIG_ERR_BUILDSIG);
            return false;
        }
        int tlen = m.pktLen();
        byte[] digest = compute(m, 0, tlen, src, dst, key);
        m.putBytes(digestOff, digest, 0, DIGEST_LENGTH);
        m.putU16(16, 0); // a signed segment is never TSO (tcp_output): the checksum is computed here
        m.putU16(16, ChainChecksum.withPseudoHeader(m, 0, tlen, src, dst, Ipv4Header.PROTO_TCP));
        return true;
    }

    /**
     * tcp_ipsec_input: whether the signature of the segment at {@code th} of {@code m} ({@code tlen} bytes
     * with options and data) from {@code src} to {@code dst} is right, counting as FreeBSD does: no option
     * (tcps_sig_err_nosigopt), no key (tcps_sig_err_buildsig), a wrong digest (tcps_sig_rcvbadsig), a right
     * one (tcps_sig_rcvgoodsig).
     */
    boolean verify(Segment seg) { return verify(seg.m, seg.th, seg.dataOff - seg.th + seg.tlen, seg.src, seg.dst); }

    /** As {@link #verify(Segment)}, for the segment at {@code th} of {@code m}, {@code tlen} bytes in all. */
    boolean verify(Mbuf m, int th, int tlen, int src, int dst) {
        int at = find(m, th);
        if (at < 0) {
            stats.increment(TcpStat.SIG_ERR_NOSIGOPT);
            return false;
        }
        byte[] key = keys.get(pair(src, dst));
        if (key == null) {
            stats.increment(TcpStat.SIG_ERR_BUILDSIG);
            return false;
        }
        byte[] want = compute(m, th, tlen, src, dst, key);
        byte[] got = new byte[DIGEST_LENGTH];
        m.getBytes(at, got, 0, DIGEST_LENGTH);
        if (!MessageDigest.isEqual(want, got)) {
            stats.increment(TcpStat.SIG_RCVBADSIG);
            return false;
        }
        stats.increment(TcpStat.SIG_RCVGOODSIG);
        return true;
    }

    /**
     * Where the digest of the segment's signature option is in the first mbuf of {@code m} (its TCP header at
     * {@code th}, the options pulled up behind it), -1 without one; the options walked as tcp_dooptions
     * walks them (EOL ends them, a bad length stops the walk, an option of kind 19 with another length than
     * 18 is skipped).
     */
    static int find(Mbuf m, int th) {
        int end = th + (m.getU8(th + 12) >>> 4) * 4;
        int p = th + TcpHeader.MIN_LENGTH;
        while (p < end) {
            int kind = m.getU8(p);
            if (kind == TcpOptions.KIND_EOL) break;
            if (kind == TcpOptions.KIND_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) break;
            int len = m.getU8(p + 1);
            if (len < 2 || len > end - p) break;
            if (kind == KIND && len == LENGTH) return p + 2;
            p += len;
        }
        return -1;
    }

    /**
     * Signs {@code m}, built with options {@code opts}, if they hold a signature option; returns it, or null
     * (freed, counted) when there is no key for ({@code src}, {@code dst}).
     */
    Mbuf signOrFree(Mbuf m, int src, int dst, byte[] opts) {
        if (m == null || opts == null) return m;
        int at = digestOffset(opts);
        if (at < 0 || sign(m, src, dst, TcpHeader.MIN_LENGTH + at)) return m;
        m.freeChain();
        return null;
    }

    /** The options of a RST (tcp_respond): the signature alone if {@code sign} (a connection with TCP_MD5SIG), else none. */
    static byte[] rstOptions(boolean sign) { return sign ? RST_OPTIONS : null; }

    /** Where the digest of the signature option is in options {@code opts} as {@link TcpOptions} writes them, or -1. */
    static int digestOffset(byte[] opts) {
        int p = 0;
        while (p < opts.length) {
            int kind = opts[p] & 0xFF;
            if (kind == TcpOptions.KIND_EOL) break;
            if (kind == TcpOptions.KIND_NOP) {
                p++;
                continue;
            }
            if (p + 1 >= opts.length) break;
            int len = opts[p + 1] & 0xFF;
            if (kind == KIND && len == LENGTH) return p + 2;
            if (len < 2) break;
            p += len;
        }
        return -1;
    }

    /** The digest of the {@code tlen}-byte segment at {@code th} of {@code m} (tcp_signature_compute). */
    static byte[] compute(Mbuf m, int th, int tlen, int src, int dst, byte[] key) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
        ByteBuffer ph = ByteBuffer.allocate(12);
        ph.putInt(src).putInt(dst).put((byte) 0).put((byte) Ipv4Header.PROTO_TCP).putShort((short) tlen);
        md.update(ph.array());
        byte[] hdr = new byte[TcpHeader.MIN_LENGTH];
        m.getBytes(th, hdr, 0, TcpHeader.MIN_LENGTH);
        hdr[16] = 0;
        hdr[17] = 0;
        md.update(hdr);
        int off = th + (m.getU8(th + 12) >>> 4) * 4;
        int left = th + tlen - off;
        for (Mbuf x = m; x != null && left > 0; x = x.next()) {
            int n = x.len();
            if (off >= n) {
                off -= n;
                continue;
            }
            int take = Math.min(n - off, left);
            md.update(x.data().asSlice(off, take).asByteBuffer());
            left -= take;
            off = 0;
        }
        md.update(key);
        return md.digest();
    }
}
