package smpnet.stack.internal.tcp;

import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;

/**
 * tcp_output's TSO decisions: whether the data goes as one TSO segment ({@link #allowedLocked}, asked by
 * {@link TcpOutput}), the length the interface takes once the options are known ({@link #lengthLocked}), and
 * the fit to the interface's DMA limits ({@code if_hw_tsomaxsegcount}, {@code if_hw_tsomaxsegsize}): how much
 * of a payload chain fits, and the trim to that length ({@link #fitToDmaSegmentsLocked}), both for
 * {@link TcpOutputSegment}.
 *
 * <p>Locking key: the methods named Locked run under the connection's inp.
 */
final class TcpTso {
    private TcpTso() {}

    /**
     * tcp_output's test for TSO: the interface offers it (TF_TSO, from tcp_mss), net.inet.tcp.tso is on, and
     * the segment is plain bulk data: no SYN, not a SACK retransmission, no SACK blocks to advertise (each
     * frame the interface makes carries the same header, so nothing may vary per segment), no urgent pointer
     * to carry (it would point from the first frame's sequence number only), no TCP-MD5 signature (each
     * frame needs its own). smpnet's TCP sends no IP options, FreeBSD's other exclusion.
     */
    static boolean allowedLocked(Tcpcb tp, int flags, boolean sackRxmit) {
        return tp.has(Tcpcb.TF_TSO) && tp.tcp.settings.tso && tp.port == 0 && !sackRxmit && (flags & TcpHeader.SYN) == 0
                && !TcpOutputSegment.sacksToAdvertise(tp, flags) && !TcpUrgent.pendingLocked(tp)
                && !tp.has(Tcpcb.TF_SIGNATURE);
    }

    /**
     * tcp_output's TSO length: "limit a TSO burst to prevent it from overflowing or exceeding the maximum
     * length allowed by the network interface", whole segments only unless this empties the send buffer
     * ("prevent the last segment from being fractional"), one segment after all sent the ordinary way, and a
     * FIN in a segment of its own after the burst.
     */
    static void lengthLocked(Tcpcb tp, TcpOutputSegment.Draft d) {
        int seg = tp.maxseg - d.optlen;
        int sbcc = TcpOutput.sbccOf(tp);
        // at most the interface's largest packet (if_hw_tsomax), headers included, the link's too
        // (FreeBSD's max_linkhdr)
        int maxLen = tp.tsoMax - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH - d.optlen - EthernetHeader.LENGTH;
        if (d.len > maxLen) {
            d.len = maxLen;
            d.more = true;
        }
        // whole segments only, unless this empties the send buffer: no small segment in mid-stream
        if (d.off + d.len < sbcc && d.len % seg != 0) {
            d.len -= d.len % seg;
            d.more = true;
        }
        if (d.len <= seg) { // one segment after all: send it the ordinary way
            d.len = Math.min(d.len, seg);
            d.more = true;
        } else {
            d.tsoSegsz = seg;
        }
        // FreeBSD sends a FIN in a segment of its own after a TSO burst
        if (tp.has(Tcpcb.TF_NEEDFIN)) d.more = true;
    }

    /**
     * if_hw_tsomaxsegcount: the chain, with the header mbuf in front, must fit the interface's DMA segments;
     * tcp_output trims the TSO length to whole segments that do (one: an ordinary segment).
     */
    static void fitToDmaSegmentsLocked(Tcpcb tp, TcpOutputSegment.Draft d) {
        Tcp tcp = tp.tcp;
        int fit = bytesThatFit(d.payload, tp.tsoMaxSegCount - 1, tp.tsoMaxSegSize);
        if (fit < d.len) {
            int seg = d.tsoSegsz;
            int newLen = fit - fit % seg;
            if (newLen <= seg) {
                newLen = Math.min(d.len, seg);
                d.tsoSegsz = 0;
            }
            trim(d.payload, d.len, newLen, d.byRef ? tcp.stats : null);
            d.len = newLen;
            d.more = true;
        }
        if (!d.byRef) tcp.stats.add(TcpStat.SNDBYTE_COPIED, d.len);
    }

    /**
     * The bytes from the start of {@code chain} that fit in {@code segs} DMA segments of at most
     * {@code segSize} bytes each, every mbuf making its own segments (FreeBSD's loop in tcp_output: an mbuf
     * that would overflow the count contributes what fits, and ends the walk). The whole chain's length if
     * there is no limit ({@code segSize <= 0} or no count: {@code segs} from a count of 0).
     */
    static int bytesThatFit(Mbuf chain, int segs, int segSize) {
        int fit = 0;
        boolean limited = segSize > 0 && segs != -1;
        for (Mbuf m = chain; m != null; m = m.next()) {
            int mlen = m.len();
            if (limited) {
                if (segs <= 0) return fit;
                int frags = (mlen + segSize - 1) / segSize;
                if (frags >= segs) return fit + Math.min(mlen, segs * segSize);
                segs -= frags;
            }
            fit += mlen;
        }
        return fit;
    }

    /**
     * Cuts payload chain {@code payload} of {@code len} bytes to its first {@code newLen} (m_adj from the
     * tail: the mbufs left empty are freed). With {@code byRef} (the chain came from the send buffer's
     * zero-copy path, which counted every byte as copied or by reference), takes the cut bytes back out of
     * those counters: bytes in writable mbufs were copied, the rest referenced a region.
     */
    static void trim(Mbuf payload, int len, int newLen, Counters<TcpStat> byRef) {
        if (newLen >= len) return;
        if (byRef != null) {
            long copied = 0;
            long referenced = 0;
            int at = 0;
            for (Mbuf m = payload; m != null; m = m.next()) {
                int from = Math.max(at, newLen);
                int to = Math.min(at + m.len(), len);
                if (to > from) {
                    if (m.isWritable()) copied += to - from;
                    else referenced += to - from;
                }
                at += m.len();
            }
            if (copied > 0) byRef.add(TcpStat.SNDBYTE_COPIED, -copied);
            if (referenced > 0) byRef.add(TcpStat.SNDBYTE_BYREF, -referenced);
        }
        payload.adj(newLen - len);
    }
}
