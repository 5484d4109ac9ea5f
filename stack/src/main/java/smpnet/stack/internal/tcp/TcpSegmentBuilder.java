package smpnet.stack.internal.tcp;

import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;

/**
 * A TCP segment on the wire, written for IP (the header part of FreeBSD's {@code tcp_output} and
 * {@code tcp_respond}): the 20-byte header and the options in front of the payload, with room reserved
 * before them for IP and the link ({@link #HEADROOM}), and the checksum over the pseudo header. The
 * payload is copied from an array into the same mbuf, or linked as a chain behind a header mbuf of its own
 * (zero-copy regions, TSO).
 *
 * <p>Locking key: no state of its own; the allocator is thread-safe, so callers build segments under
 * whatever lock they hold (a connection's inp, a SYN cache bucket) or none (a RST without a connection).
 */
final class TcpSegmentBuilder {
    /** Room kept in front of the TCP header: IP's header and 16 bytes for the link's. */
    static final int HEADROOM = 16 + Ipv4Header.MIN_LENGTH;
    private static final byte[] NO_DATA = new byte[0];

    private final MbufAllocator alloc;

    TcpSegmentBuilder(MbufAllocator alloc) { this.alloc = alloc; }

    /**
     * Builds a segment: headers in front of {@code len} payload bytes copied from {@code data} at {@code off}
     * (null: none). Returns null if no mbuf was available (the caller counts nothing; TCP retransmits).
     */
    Mbuf build(int src, int dst, int sport, int dport, int seq, int ack, int flags, int win, byte[] opts,
               byte[] data, int off, int len) {
        int optlen = opts == null ? 0 : opts.length;
        int hdr = TcpHeader.MIN_LENGTH + optlen;
        // The payload goes straight into the mbuf, the header into the leading space reserved for it: no
        // intermediate array (one allocation and one copy of the segment fewer, per segment).
        Mbuf m = len > 0 ? alloc.fromBytes(data, off, len, HEADROOM + hdr, Mbuf.M_NOWAIT)
                : alloc.fromBytes(NO_DATA, 0, 0, HEADROOM + hdr, Mbuf.M_NOWAIT);
        if (m == null) return null;
        return finish(m, src, dst, sport, dport, seq, ack, flags, win, opts, len);
    }

    /**
     * An empty packet for a segment of {@code len} payload bytes with {@code optlen} bytes of options, room
     * reserved in front for the headers (as {@link #build} makes it): the caller appends the payload, then
     * {@link #finish} writes the header. Null if no mbuf was available.
     */
    Mbuf payloadPacket(int optlen, int len) {
        int leading = HEADROOM + TcpHeader.MIN_LENGTH + optlen;
        Mbuf m = leading + len > Mbuf.MHLEN ? alloc.getHeaderCluster(Mbuf.M_NOWAIT) : alloc.getHeader(Mbuf.M_NOWAIT);
        if (m == null) return null;
        m.reserve(Math.min(leading, m.trailingSpace()));
        return m;
    }

    /**
     * The segment around packet {@code m} from {@link #payloadPacket} holding its {@code len} payload bytes:
     * the header in front, the checksum. Null if no mbuf was available ({@code m} is freed then).
     */
    Mbuf finish(Mbuf m, int src, int dst, int sport, int dport, int seq, int ack, int flags, int win, byte[] opts,
                int len) {
        int hdr = TcpHeader.MIN_LENGTH + (opts == null ? 0 : opts.length);
        Mbuf h = m.prepend(hdr, Mbuf.M_NOWAIT);
        if (h == null) return null;
        writeHeader(h, sport, dport, seq, ack, flags, win, opts);
        int sum = ChainChecksum.withPseudoHeader(h, 0, hdr + len, src, dst, Ipv4Header.PROTO_TCP);
        h.putU16(16, sum);
        return h;
    }

    /**
     * A segment whose payload is the chain {@code payload} ({@code len} bytes, no packet header, e.g. mbufs
     * referencing a zero-copy region): the header gets its own mbuf in front, the payload is linked, not
     * copied. Null if memory ran out (the payload is freed then).
     */
    Mbuf build(int src, int dst, int sport, int dport, int seq, int ack, int flags, int win, byte[] opts,
               Mbuf payload, int len) {
        return buildChain(src, dst, sport, dport, seq, ack, flags, win, opts, payload, len, 0);
    }

    /**
     * As {@link #build(int, int, int, int, int, int, int, int, byte[], Mbuf, int)}; with
     * {@code tsoSegsz > 0} a TSO segment (tcp_output's CSUM_TSO and tso_segsz): the interface computes each
     * frame's checksum, so none is computed here (the field stays 0).
     */
    Mbuf buildChain(int src, int dst, int sport, int dport, int seq, int ack, int flags, int win, byte[] opts,
                    Mbuf payload, int len, int tsoSegsz) {
        int hdr = TcpHeader.MIN_LENGTH + (opts == null ? 0 : opts.length);
        Mbuf h = alloc.getHeader(Mbuf.M_NOWAIT);
        if (h == null) {
            payload.freeChain();
            return null;
        }
        h.reserve(HEADROOM);
        h.setLen(hdr);
        h.setNext(payload);
        h.pkthdr().setPktLen(hdr + len);
        writeHeader(h, sport, dport, seq, ack, flags, win, opts);
        if (tsoSegsz > 0) {
            h.pkthdr().setCsumFlags(PacketHeader.CSUM_TSO | PacketHeader.CSUM_TCP).setTsoSegsz(tsoSegsz);
            return h;
        }
        int sum = ChainChecksum.withPseudoHeader(h, 0, hdr + len, src, dst, Ipv4Header.PROTO_TCP);
        h.putU16(16, sum);
        return h;
    }

    private static void writeHeader(Mbuf h, int sport, int dport, int seq, int ack, int flags, int win, byte[] opts) {
        int optlen = opts == null ? 0 : opts.length;
        h.putU16(0, sport);
        h.putU16(2, dport);
        h.putU32(4, seq);
        h.putU32(8, ack);
        h.putU8(12, ((TcpHeader.MIN_LENGTH + optlen) / 4) << 4);
        h.putU8(13, flags);
        h.putU16(14, win);
        h.putU16(16, 0);
        h.putU16(18, 0);
        if (optlen > 0) h.putBytes(TcpHeader.MIN_LENGTH, opts, 0, optlen);
    }

    /**
     * Sets the urgent pointer of a segment {@link #build} made (its field was 0) and patches the
     * checksum for it (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), with m = 0).
     */
    static void setUrgentPointer(Mbuf h, int urp) {
        int sum = (~h.getU16(16) & 0xFFFF) + 0xFFFF + urp;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        h.putU16(18, urp);
        h.putU16(16, ~sum & 0xFFFF);
    }
}
