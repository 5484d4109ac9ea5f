package smpnet.stack.dev;

import smpnet.stack.internal.net.TcpLro;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.PacketHeader;

/**
 * The segmentation half of a NIC's TCP segmentation offload: what TSO hardware does to a {@code CSUM_TSO}
 * frame (one TCP segment of up to 64 KB behind its Ethernet and IPv4 headers) before it goes on the wire.
 *
 * <pre>
 *  TSO frame:  [ eth | ip (len 64 KB) | tcp seq S flags F ] [ payload ........................... ]
 *                                                             \__ mss __/\__ mss __/ ... \_ rest _/
 *  frames:     [ eth | ip len, id+0, sum | tcp S,       sum ] -> shared slice 0
 *              [ eth | ip len, id+1, sum | tcp S+mss,   sum ] -> shared slice 1
 *              ...
 *              [ eth | ip len, id+k, sum | tcp S+k*mss, sum ] -> shared slice k   (FIN, PSH only here)
 * </pre>
 *
 * Each frame gets a private copy of the headers (they are rewritten: IP total length, id and checksum, TCP
 * sequence number, flags and checksum) and references its slice of the payload: clusters are shared, as
 * {@code m_copym} shares them, never copied. Only data in a plain mbuf (not in external storage) has to be
 * copied; {@link #segment} counts those bytes, so a test can show there were none. CWR goes on the first
 * frame only (RFC 3168 6.1.2: it marks the first new segment after a window reduction); FIN and PSH on the
 * last only. Each frame is marked {@link TcpLro#CSUM_SENDER_NIC}: its checksums are this NIC's own work.
 * Stateless: the caller owns the packet and the frames.
 */
final class TsoSegmenter {
    /** Smallest Ethernet frame without its FCS: a short last frame is padded with zeros up to it. */
    private static final int MIN_FRAME = 60;
    private static final byte[] PADDING = new byte[MIN_FRAME];
    /** Where a frame's counts go (the NIC's TSO counters). */
    interface Counts {
        void segmented(int frames, long payloadBytesCopied);
    }

    private TsoSegmenter() {}

    /**
     * Cuts TSO frame {@code packet} into frames of at most {@code tsoSegsz} payload bytes and at most
     * {@code maxFrame} bytes. Consumes the packet. Returns the frames in order, or null when memory ran out
     * or the packet is not a TCP/IPv4 segment the NIC can cut into frames that fit (the packet and any frame
     * made are freed; the caller counts the drop).
     */
    static Mbuf[] segment(Mbuf packet, int maxFrame, Counts counts) {
        try {
            int total = packet.pktLen();
            int segsz = packet.pkthdr().tsoSegsz();
            int ipOff = EthernetHeader.LENGTH;
            if (segsz <= 0 || total < ipOff + Ipv4Header.MIN_LENGTH + TcpHeader.MIN_LENGTH) return null;
            byte[] hdr = new byte[ipOff + 4 * 0xf + TcpHeader.MAX_LENGTH];
            packet.copyData(0, Math.min(total, hdr.length), hdr, 0);
            int ipHlen = Ipv4Header.headerLength(hdr[ipOff]);
            int tcpOff = ipOff + ipHlen;
            if (hdr[ipOff + 9] != Ipv4Header.PROTO_TCP || ipHlen < Ipv4Header.MIN_LENGTH
                    || total < tcpOff + TcpHeader.MIN_LENGTH) {
                return null;
            }
            int tcpHlen = ((hdr[tcpOff + 12] & 0xff) >>> 4) * 4;
            int hdrLen = tcpOff + tcpHlen;
            if (tcpHlen < TcpHeader.MIN_LENGTH || total < hdrLen || hdrLen > Mbuf.MHLEN || hdrLen + segsz > maxFrame) {
                return null;
            }
            int ipTotal = u16(hdr, ipOff + 2);
            int payload = Math.min(total, ipOff + ipTotal) - hdrLen; // Ethernet padding is not payload
            if (payload <= 0) return null;
            return cut(packet, hdr, ipOff, tcpOff, hdrLen, payload, segsz, counts);
        } finally {
            packet.freeChain();
        }
    }

    private static Mbuf[] cut(Mbuf packet, byte[] hdr, int ipOff, int tcpOff, int hdrLen, int payload, int segsz,
                              Counts counts) {
        int n = (payload + segsz - 1) / segsz;
        Mbuf[] frames = new Mbuf[n];
        int id = u16(hdr, ipOff + 4);
        int seq = u32(hdr, tcpOff + 4);
        int flags = hdr[tcpOff + 13] & 0xff;
        int src = u32(hdr, ipOff + 12);
        int dst = u32(hdr, ipOff + 16);
        int tcpHlen = hdrLen - tcpOff;
        int ipHlen = tcpOff - ipOff;
        // The cursor into the packet's chain: the slice of frame i starts at byte `within` of mbuf `at`.
        Mbuf at = packet;
        int within = hdrLen;
        long copied = 0;
        for (int i = 0; i < n; i++) {
            int len = Math.min(segsz, payload - i * segsz);
            while (within >= at.len()) {
                within -= at.len();
                at = at.next();
            }
            Mbuf f = packet.allocator().getHeader(Mbuf.M_NOWAIT);
            Mbuf slice = f == null ? null : at.copyRange(within, len, Mbuf.M_NOWAIT);
            if (slice == null) {
                if (f != null) f.free();
                freeAll(frames, i);
                return null;
            }
            copied += plainBytes(at, within, len);
            f.setLen(hdrLen);
            f.putBytes(0, hdr, 0, hdrLen);
            f.setNext(slice);
            // its checksums are the NIC's own work: a peer across an exact wire need not check them again
            f.pkthdr().setPktLen(hdrLen + len).setFlow(packet.pkthdr().flowId(), packet.pkthdr().hashType())
                    .setCsumFlags(TcpLro.CSUM_SENDER_NIC);
            int frameFlags = flags;
            if (i > 0) frameFlags &= ~TcpHeader.CWR;
            if (i < n - 1) frameFlags &= ~(TcpHeader.FIN | TcpHeader.PSH);
            rewrite(f, ipOff, ipHlen + tcpHlen + len, (id + i) & 0xffff, tcpOff, seq + i * segsz, frameFlags, src,
                    dst, tcpHlen + len);
            if (hdrLen + len < MIN_FRAME && !f.append(PADDING, 0, MIN_FRAME - hdrLen - len, Mbuf.M_NOWAIT)) {
                f.freeChain();
                freeAll(frames, i);
                return null;
            }
            frames[i] = f;
            // the next slice starts where this one ended
            within += len;
        }
        counts.segmented(n, copied);
        return frames;
    }

    /** Rewrites a frame's copied headers: IP length, id and checksum; TCP sequence, flags and checksum. */
    private static void rewrite(Mbuf f, int ipOff, int ipLen, int id, int tcpOff, int seq, int flags, int src,
                                int dst, int tcpLen) {
        f.putU16(ipOff + 2, ipLen);
        f.putU16(ipOff + 4, id);
        f.putU16(ipOff + 10, 0);
        f.putU16(ipOff + 10, Checksum.of(f.data(), ipOff, tcpOff - ipOff));
        f.putU32(tcpOff + 4, seq);
        f.putU8(tcpOff + 13, flags);
        f.putU16(tcpOff + 16, 0);
        f.putU16(tcpOff + 16, ChainChecksum.withPseudoHeader(f, tcpOff, tcpLen, src, dst, Ipv4Header.PROTO_TCP));
    }

    /** Bytes of {@code [off, off + len)} from mbuf {@code m} on that lie in plain mbufs (m_copym copies those). */
    private static long plainBytes(Mbuf m, int off, int len) {
        long plain = 0;
        for (Mbuf x = m; x != null && len > 0; x = x.next()) {
            int take = Math.min(x.len() - off, len);
            if (!x.isExternal()) plain += take;
            len -= take;
            off = 0;
        }
        return plain;
    }

    private static void freeAll(Mbuf[] frames, int n) {
        for (int i = 0; i < n; i++) frames[i].freeChain();
    }

    private static int u16(byte[] b, int at) { return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff); }

    private static int u32(byte[] b, int at) { return u16(b, at) << 16 | u16(b, at + 2); }

    /** Whether {@code frame} asks for TSO: {@link PacketHeader#CSUM_TSO}. */
    static boolean wanted(Mbuf frame) { return (frame.pkthdr().csumFlags() & PacketHeader.CSUM_TSO) != 0; }
}
