package smpnet.stack.internal.tcp;

import static smpnet.stack.internal.wire.TcpHeader.FIN;

import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * Data and FIN of an accepted segment (RFC 9293 3.10.7.4 sixth to eighth steps): the urgent pointer
 * ({@link TcpUrgent}), in-order data to the receive buffer (which autotuning grows), out-of-order data to
 * the reassembly queue ({@link TcpReassemblyQueue}) and back out of it in order, the delayed-ACK decision
 * ({@link AckPolicy}), the FIN's state changes, and output if anything is due.
 *
 * <p>Locking key: every method runs under the connection's inp; the receive buffer is appended to (and its
 * high-water mark read) under its so_rcv, taken after inp, and readers are woken after so_rcv is released.
 */
final class TcpInputData {
    private TcpInputData() {}

    /**
     * The urgent pointer (RFC 9293 3.10.7.4 sixth step, {@link TcpUrgent}), then data and FIN (seventh and
     * eighth steps), then output if anything is due.
     */
    static TcpInput.End dataLocked(Tcpcb tp, Segment seg, int thflags, long tiwin, boolean needOutput) {
        Tcp tcp = tp.tcp;
        // A Fast Open connection takes in-order data before its handshake completes (RFC 7413 4.2.2), and
        // delays the ACK so that its SYN-ACK may carry the application's answer (tcp_do_segment's tfo_syn)
        boolean tfoSyn = tp.state == TcpState.SYN_RECEIVED && tp.has(Tcpcb.TF_FASTOPEN);
        boolean inOrder = seg.seq == tp.rcvNxt && tp.segqEmptyLocked()
                && (tp.haveEstablished() || tfoSyn);
        int outOfBand = TcpUrgent.inputLocked(tp, seg, thflags, inOrder && seg.tlen > 0);
        if ((seg.tlen > 0 || (thflags & FIN) != 0) && !tp.haveReceivedFin()) {
            if (inOrder) {
                if (seg.tlen > 0) {
                    if (delayAck(tp, seg.seq, seg.tlen) || tfoSyn) {
                        tp.set(Tcpcb.TF_DELACK);
                    } else {
                        tp.set(Tcpcb.TF_ACKNOW);
                    }
                    tp.rcvNxt += seg.tlen;
                    // tcp_do_segment's header prediction counts an LRO packet's segments (nsegs); this is
                    // smpnet's one in-order path
                    tcp.stats.add(TcpStat.RCVPACK, seg.nsegs);
                    tcp.stats.add(TcpStat.RCVBYTE, seg.tlen);
                    appendLocked(tp, seg.m, seg.dataOff, seg.tlen, outOfBand);
                }
            } else if (seg.tlen > 0 || (thflags & FIN) != 0) {
                // RFC 5681 4.2: an out-of-order segment (or one filling a hole) is acked at once (by the policy)
                boolean delay = seg.tlen > 0 && tp.reass != null && delayAck(tp, seg.seq, seg.tlen);
                if (tp.reass == null) {
                    thflags &= ~FIN; // before ESTABLISHED nothing is queued (the SYN-RECEIVED ACK comes first)
                } else {
                    tcp.stats.increment(TcpStat.RCVOOPACK);
                    tcp.stats.add(TcpStat.RCVOOBYTE, seg.tlen);
                    Mbuf copy = seg.tlen > 0 ? seg.m.copyRange(seg.dataOff, seg.tlen, Mbuf.M_NOWAIT) : null;
                    if (seg.tlen > 0 && copy == null) {
                        tcp.stats.increment(TcpStat.RCVMEMDROP); // no mbuf for it
                        thflags &= ~FIN;
                    } else {
                        reassLimitsLocked(tp);
                        int r = tp.reass.add(seg.seq, copy, (thflags & FIN) != 0, tp.rcvNxt);
                        tp.reassChangedLocked();
                        if (r == TcpReassemblyQueue.DROPPED) tcp.stats.increment(TcpStat.RCVREASSFULL);
                        if (r == TcpReassemblyQueue.DROPPED_HOST_LIMIT) tcp.stats.increment(TcpStat.RCVMEMDROP);
                        thflags &= ~FIN; // a queued FIN comes out of the queue in order
                        if (presentQueuedLocked(tp)) thflags |= FIN;
                    }
                }
                tp.set(delay ? Tcpcb.TF_DELACK : Tcpcb.TF_ACKNOW);
            }
        } else {
            thflags &= ~FIN;
        }

        if ((thflags & FIN) != 0) {
            if (!tp.haveReceivedFin()) {
                if (tp.so != null) tp.so.cantRcvMoreLocked();
                // half-synchronized: the ACK waits to ride on our SYN-ACK's retransmission
                tp.set(tp.has(Tcpcb.TF_NEEDSYN) ? Tcpcb.TF_DELACK : Tcpcb.TF_ACKNOW);
                tp.rcvNxt++;
            }
            switch (tp.state) {
                case SYN_RECEIVED, ESTABLISHED -> tp.state = TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 -> tp.state = TcpState.CLOSING;
                case FIN_WAIT_2 -> TcpTimeWait.startLocked(tp);
                default -> { }
            }
        }
        if (tp.has(Tcpcb.TF_DELACK) && !tp.has(Tcpcb.TF_ACKNOW) && !tp.timer.armed(TcpTimer.DELACK)) {
            tp.timer.arm(TcpTimer.DELACK, tcp.settings.delackNanos);
        }
        if (needOutput || tp.has(Tcpcb.TF_ACKNOW)) TcpOutput.outputLocked(tp);
        return TcpInput.End.DONE;
    }

    /**
     * tcp_reass's limits from the receive buffer as it is now (it grows with autotuning): min(hiwat / maxseg +
     * 1, net.inet.tcp.reass.maxqueuelen) runs, and storage up to sb_mbmax (8 times hiwat, sb_efficiency).
     */
    private static void reassLimitsLocked(Tcpcb tp) {
        int hiwat = tp.tcp.settings.recvspace;
        if (tp.so != null) {
            StreamBuffer rcv = tp.so.rcv();
            rcv.lock.lock();
            try {
                hiwat = rcv.hiwatLocked();
            } finally {
                rcv.lock.unlock();
            }
        }
        tp.reass.setLimits(Math.min(hiwat / Math.max(1, tp.maxseg) + 1, tp.tcp.settings.reassMaxQueueLen), 8L * hiwat,
                tp.tcp.settings.reassMaxSegments);
    }

    /**
     * The present step of tcp_reass: once established, the queue's in-order prefix goes to the receive buffer and
     * RCV.NXT advances over it. Returns whether a queued FIN is next in order (its sequence number not yet
     * taken: the caller processes it or leaves it).
     */
    static boolean presentQueuedLocked(Tcpcb tp) {
        if (!tp.haveEstablished()) return false;
        TcpReassemblyQueue.Delivery d = tp.reass.pullInOrder(tp.rcvNxt);
        tp.reassChangedLocked();
        if (d == null) return false;
        if (d.length() > 0) {
            appendLocked(tp, d.data(), 0, d.length(), -1);
            tp.tcp.stats.increment(TcpStat.RCVPACK);
            tp.tcp.stats.add(TcpStat.RCVBYTE, d.length());
        }
        if (d.data() != null) d.data().freeChain();
        tp.rcvNxt = d.rcvNxt();
        return d.fin();
    }

    /**
     * Appends in-order data to the receive buffer and wakes readers (sbappendstream, sorwakeup); the byte at
     * offset {@code outOfBand} of the data (-1: none) was taken out of band and is left out.
     */
    private static void appendLocked(Tcpcb tp, Mbuf m, int off, int len, int outOfBand) {
        if (tp.so == null) return;
        StreamBuffer rcv = tp.so.rcv();
        rcv.lock.lock();
        try {
            if (outOfBand < 0) {
                rcv.appendLocked(m, off, len);
            } else {
                rcv.appendLocked(m, off, outOfBand);
                rcv.appendLocked(m, off + outOfBand + 1, len - outOfBand - 1);
            }
            autoReceiveBufferLocked(tp, rcv, len);
        } finally {
            rcv.lock.unlock();
        }
        tp.so.readableLocked();
    }

    /**
     * tcp_autorcvbuf: while the peer fills more than 3/8 of the buffer per half round trip, grow it by half
     * (up to net.inet.tcp.recvbuf_max), so the window keeps up with the path.
     */
    private static void autoReceiveBufferLocked(Tcpcb tp, StreamBuffer rcv, int len) {
        TcpSettings set = tp.tcp.settings;
        if (!set.recvbufAuto || rcv.userSizedLocked()) return;
        long now = tp.nowNanos();
        long srtt = tp.rtt.srttNanos();
        if (tp.rfbufStartNanos == 0) {
            tp.rfbufStartNanos = now;
            tp.rfbufCount = 0;
        }
        if (srtt != 0 && now - tp.rfbufStartNanos > srtt / 2) {
            int hiwat = rcv.hiwatLocked();
            long max = Math.min(set.recvbufMax, set.maxSockBuf());
            if (tp.rfbufCount > (long) hiwat / 2 / 4 * 3 && hiwat < max) {
                rcv.setHiwatLocked((int) Math.min(hiwat + hiwat / 2L, max), false);
            }
            tp.rfbufStartNanos = 0;
            tp.rfbufCount = 0;
        } else {
            tp.rfbufCount += len;
        }
    }

    /**
     * DELAY_ACK: whether the ACK of {@code tlen} data bytes from {@code seq} may wait for the delack timer. The
     * host's {@link AckPolicy} decides, unless delayed ACKs are off or a zero window was advertised.
     */
    static boolean delayAck(Tcpcb tp, int seq, int tlen) {
        TcpSettings set = tp.tcp.settings;
        return set.delayedAck && !tp.has(Tcpcb.TF_RXWIN0SENT) && set.ackPolicy.delay(new AckPolicy.Arrival(seq, tlen,
                tp.rcvNxt, tp.maxseg, tp.segqEmptyLocked(), tp.timer.armed(TcpTimer.DELACK)));
    }
}
