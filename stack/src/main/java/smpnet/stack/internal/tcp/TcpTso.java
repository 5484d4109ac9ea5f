package smpnet.stack.internal.tcp;

import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;

/**
 * tcp_output's fit of a TSO segment to the interface's DMA limits ({@code if_hw_tsomaxsegcount},
 * {@code if_hw_tsomaxsegsize}): how much of a payload chain fits, and the trim to that length.
 */
final class TcpTso {
    private TcpTso() {}

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
