package smpnet.stack.internal.tcp;

import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * The "send:" half of tcp_output, once {@link TcpOutput} has decided what goes: the options (tcp_addoptions:
 * MSS, window scale, SACK, timestamps, Fast Open cookie), the length they leave (a TSO segment trimmed to
 * whole segments and the interface's maximum), the payload from the send buffer, the advertised window,
 * PSH, URG and ECN bits, the counters, the sequence bookkeeping and timers, then the segment to IP
 * ({@link Tcp#send}); and what an ENOBUFS from below undoes.
 *
 * <p>Locking key: every method runs under the connection's inp; the payload is copied (or referenced) from
 * the send buffer under its so_snd, taken after inp and released before the segment goes to IP.
 */
final class TcpOutputSegment {
    private TcpOutputSegment() {}

    /** The "send:" half of tcp_output: options, the segment, sequence bookkeeping, timers, counters. */
    static boolean sendLocked(Tcpcb tp, int flags, int len, int off, boolean sackRxmit, int rxmitSeq,
                              long recwin, long sendwin, boolean markSent, boolean tso) {
        Tcp tcp = tp.tcp;
        // options (tcp_addoptions), none at all with TCP_NOOPT
        int which = 0;
        int mss = 0;
        int tsVal = 0;
        int tsEcr = 0;
        int[] sacks = null;
        int nsacks = 0;
        if (!tp.has(Tcpcb.TF_NOOPT)) {
            if ((flags & TcpHeader.SYN) != 0) {
                which |= TcpOptions.MSS;
                mss = TcpMss.mssOption(tp);
                if (tp.has(Tcpcb.TF_REQ_SCALE) && ((flags & TcpHeader.ACK) == 0 || tp.has(Tcpcb.TF_RCVD_SCALE))) {
                    which |= TcpOptions.WSCALE;
                }
                if (tp.has(Tcpcb.TF_SACK_PERMIT)) which |= TcpOptions.SACK_PERMITTED;
            }
            if (tp.has(Tcpcb.TF_REQ_TSTMP) && (tp.has(Tcpcb.TF_RCVD_TSTMP) || ((flags & TcpHeader.SYN) != 0
                    && (flags & TcpHeader.ACK) == 0))) {
                which |= TcpOptions.TIMESTAMP;
                tsVal = tp.tsNow();
                tsEcr = tp.tsRecent;
            }
            if (tp.has(Tcpcb.TF_SIGNATURE)) which |= TcpOptions.SIGNATURE; // RFC 2385, before SACK as FreeBSD
            if (sacksToAdvertise(tp, flags)) {
                sacks = tp.reass.sackOption(tp.rcvNxt, TcpOptions.MAX_SACK_BLOCKS); // RFC 2018 4 order, D-SACK first (RFC 2883)
                nsacks = TcpOptions.sackBlocksThatFit(which | TcpOptions.SACK, sacks.length / 2);
                if (nsacks > 0) which |= TcpOptions.SACK;
            }
        }
        // TCP Fast Open (RFC 7413): the first SYN carries the client's cookie (or asks for one), the first
        // SYN-ACK the server's; a data-carrying SYN whose option does not fit goes without its data
        byte[] cookie = (flags & TcpHeader.SYN) != 0 && !tp.has(Tcpcb.TF_NOOPT) ? TcpOutput.fastOpenCookieLocked(tp) : null;
        if (cookie != null) {
            if (TcpOptions.fastOpenFits(which, cookie.length)) {
                which |= TcpOptions.FAST_OPEN;
                countFastOpen(tp, cookie, len);
            } else {
                cookie = null;
                len = 0;
            }
        }
        byte[] opts = which == 0 ? null
                : TcpOptions.build(which, mss, tp.requestRScale, tsVal, tsEcr, sacks, nsacks, cookie);
        int optlen = opts == null ? 0 : opts.length;
        // options come out of the segment's payload room (t_maxseg counts both)
        boolean more = false;
        int tsoSegsz = 0;
        if (len + optlen > tp.maxseg) {
            flags &= ~TcpHeader.FIN;
            if (tso) {
                int seg = tp.maxseg - optlen;
                int sbcc = TcpOutput.sbccOf(tp);
                // at most the interface's largest packet (if_hw_tsomax), headers included, the link's too
                // (FreeBSD's max_linkhdr)
                int maxLen = tp.tsoMax - Ipv4Header.MIN_LENGTH - TcpHeader.MIN_LENGTH - optlen - EthernetHeader.LENGTH;
                if (len > maxLen) {
                    len = maxLen;
                    more = true;
                }
                // whole segments only, unless this empties the send buffer: no small segment in mid-stream
                if (off + len < sbcc && len % seg != 0) {
                    len -= len % seg;
                    more = true;
                }
                if (len <= seg) { // one segment after all: send it the ordinary way
                    len = Math.min(len, seg);
                    more = true;
                } else {
                    tsoSegsz = seg;
                }
                // FreeBSD sends a FIN in a segment of its own after a TSO burst
                if (tp.has(Tcpcb.TF_NEEDFIN)) more = true;
            } else {
                len = Math.max(0, tp.maxseg - optlen);
                more = true;
            }
        }

        boolean sendalotOff = false;
        // retransmitting a FIN: back up over it
        if ((flags & TcpHeader.FIN) != 0 && tp.has(Tcpcb.TF_SENTFIN) && tp.sndNxt == tp.sndMax && len == 0 && !sackRxmit) {
            tp.sndNxt--;
        }
        // a SYN always leaves from the ISS: SYN-RECEIVED resends its SYN,ACK when output finds an ACK due
        if ((flags & TcpHeader.SYN) != 0) tp.sndNxt = tp.sndUna;
        int seq;
        if (sackRxmit) {
            seq = rxmitSeq;
        } else if (len > 0 || (flags & (TcpHeader.SYN | TcpHeader.FIN)) != 0 || tp.persist.pending()) {
            seq = tp.sndNxt;
        } else {
            seq = tp.sndMax;
        }
        Mbuf packet = null; // the segment's packet, its payload copied in, the headers yet to come
        Mbuf payload = null; // the segment's data by reference, when zero-copy regions are in the buffer
        boolean noPayload = false;
        boolean byRef = false; // the payload references zero-copy regions (payloadLocked counted its bytes)
        if (len > 0) {
            StreamBuffer snd = tp.so.snd();
            snd.lock.lock();
            try {
                if (snd.hasRegionsLocked()) {
                    byRef = true;
                    payload = snd.payloadLocked(off, len, tcp.alloc, tcp.stats);
                    noPayload = payload == null;
                } else if (tsoSegsz > 0) {
                    // a TSO segment's payload goes in clusters, which the NIC shares among its frames
                    // (counted as copied below, once trimmed to the interface's DMA segments)
                    payload = snd.clustersLocked(off, len, tcp.alloc);
                    noPayload = payload == null;
                } else {
                    // copied from the ring straight into the segment's mbuf, behind room for the headers
                    packet = tcp.segments.payloadPacket(optlen, len);
                    if (packet != null && !snd.appendToLocked(off, len, packet)) {
                        packet.freeChain();
                        packet = null;
                    }
                    noPayload = packet == null;
                    tcp.stats.add(TcpStat.SNDBYTE_COPIED, len);
                }
            } finally {
                snd.lock.unlock();
            }
        }
        if (tsoSegsz > 0 && payload != null) {
            // if_hw_tsomaxsegcount: the chain, with the header mbuf in front, must fit the interface's DMA
            // segments; tcp_output trims the TSO length to whole segments that do (one: an ordinary segment)
            int fit = TcpTso.bytesThatFit(payload, tp.tsoMaxSegCount - 1, tp.tsoMaxSegSize);
            if (fit < len) {
                int seg = tsoSegsz;
                int newLen = fit - fit % seg;
                if (newLen <= seg) {
                    newLen = Math.min(len, seg);
                    tsoSegsz = 0;
                }
                TcpTso.trim(payload, len, newLen, byRef ? tcp.stats : null);
                len = newLen;
                more = true;
            }
            if (!byRef) tcp.stats.add(TcpStat.SNDBYTE_COPIED, len);
        }
        if (recwin < 0 || (flags & TcpHeader.RST) != 0) recwin = 0; // a RST advertises no window (tcp_output)
        int win;
        if ((flags & TcpHeader.SYN) != 0) {
            win = (int) Math.min(recwin, Tcp.TCP_MAXWIN); // RFC 7323 2.2: a SYN's window is never scaled
        } else {
            // tcp_output rounds the window up to the scale's unit (roundup2), so that scaling never shrinks
            // it, and remembers the rounded window as advertised (rcv_adv below)
            long unit = 1L << tp.rcvScale;
            recwin = (recwin + unit - 1) & -unit;
            win = (int) Math.min(recwin >> tp.rcvScale, Tcp.TCP_MAXWIN);
        }
        if (win == 0 && tp.haveEstablished()) tp.set(Tcpcb.TF_RXWIN0SENT);
        else tp.clear(Tcpcb.TF_RXWIN0SENT);
        int ackFlag = (flags & TcpHeader.ACK) != 0 ? tp.rcvNxt : 0;
        if ((flags & TcpHeader.RST) != 0 && (flags & TcpHeader.ACK) == 0) ackFlag = 0;
        if (len > 0 && TcpSeq.ge(seq + len, tp.sndUna + TcpOutput.sbccOf(tp)) && (flags & TcpHeader.SYN) == 0) {
            flags |= TcpHeader.PSH; // the last data in the buffer: push (FreeBSD sets PSH when sending all)
        }
        flags = TcpUrgent.flagsLocked(tp, seq, flags);
        // ECN (tcp_output, TcpEcn): our SYN asks for it; a connection that negotiated it marks new data ECT(0)
        // and carries ECE and CWR as feedback (a simultaneous open's SYN,ACK sends its ECE once)
        int ipEcn = 0;
        if (tp.state == TcpState.SYN_SENT) flags |= TcpEcn.synSentFlags(tp);
        if (tp.haveReceivedSyn() && (tp.flags2 & TcpEcn.ECN_PERMIT) != 0) {
            boolean newData = TcpEcn.newData(tp, len, sackRxmit);
            flags = TcpEcn.outputFlags(tp, flags, newData);
            ipEcn = TcpEcn.codepoint(tp, newData);
            if (tp.state == TcpState.SYN_RECEIVED) tp.flags2 &= ~TcpEcn.ECN_SND_ECE;
        }

        // counters (tcpstat), as tcp_output counts them
        Tcp t = tcp;
        if (len > 0) {
            if (tp.has(Tcpcb.TF_FORCEDATA) && len == 1) {
                t.stats.increment(smpnet.stack.stats.TcpStat.SNDPROBE);
            } else if (TcpSeq.lt(seq, tp.sndMax) || sackRxmit) {
                t.stats.increment(TcpStat.SNDREXMITPACK);
                t.stats.add(TcpStat.SNDREXMITBYTE, len);
                tp.totalRetransmitted++;
                if (sackRxmit) {
                    t.stats.increment(TcpStat.SACK_REXMITS);
                    t.stats.add(TcpStat.SACK_REXMIT_BYTES, len);
                }
            } else {
                t.stats.increment(TcpStat.SNDPACK);
                t.stats.add(TcpStat.SNDBYTE, len);
            }
        } else if (tp.has(Tcpcb.TF_ACKNOW) && (flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST)) == 0) {
            t.stats.increment(TcpStat.SNDACKS);
        } else if ((flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST)) != 0) {
            t.stats.increment(TcpStat.SNDCTRL);
        } else {
            t.stats.increment(TcpStat.SNDWINUP);
        }

        Mbuf m;
        if (payload != null) {
            m = tcp.segments.buildChain(tp.laddr, tp.faddr, tp.lport, tp.fport, seq, ackFlag, flags, win, opts, payload,
                    len, tsoSegsz);
        } else if (packet != null) {
            m = tcp.segments.finish(packet, tp.laddr, tp.faddr, tp.lport, tp.fport, seq, ackFlag, flags, win, opts, len);
        } else {
            m = noPayload ? null
                    : tcp.segments.build(tp.laddr, tp.faddr, tp.lport, tp.fport, seq, ackFlag, flags, win, opts, null, 0, 0);
        }

        TcpUrgent.stamp(tp, m, seq, flags);
        if ((which & TcpOptions.SIGNATURE) != 0) m = tcp.signatures.signOrFree(m, tp.laddr, tp.faddr, opts);

        // sequence bookkeeping, even if the mbuf was not there (the retransmit timer recovers)
        if (recwin > 0 && TcpSeq.gt(tp.rcvNxt + (int) recwin, tp.rcvAdv)) tp.rcvAdv = tp.rcvNxt + (int) recwin;
        tp.lastAckSent = tp.rcvNxt;
        tp.clear(Tcpcb.TF_ACKNOW | Tcpcb.TF_DELACK);
        tp.delack.stop();
        if (sackRxmit) {
            if (markSent) tp.scoreboard.sent(new SackScoreboard.Segment(seq, len, SackScoreboard.Rule.LOST_HOLE));
            armRexmt(tp);
        } else if (!tp.has(Tcpcb.TF_FORCEDATA) || !tp.persist.pending()) {
            int startSeq = tp.sndNxt;
            if ((flags & TcpHeader.SYN) != 0) tp.sndNxt++;
            if ((flags & TcpHeader.FIN) != 0) {
                tp.sndNxt++;
                tp.set(Tcpcb.TF_SENTFIN);
            }
            if ((flags & TcpHeader.RST) == 0) {
                tp.sndNxt += len;
                if (TcpSeq.gt(tp.sndNxt, tp.sndMax)) {
                    tp.sndMax = tp.sndNxt;
                    if (tp.rttStartNanos == Tcpcb.NOT_TIMED && tp.state != TcpState.CLOSED) { // time this segment (no TS: Karn)
                        tp.rttStartNanos = tp.nowNanos();
                        tp.rtseq = startSeq;
                        t.stats.increment(TcpStat.SEGSTIMED);
                    }
                }
                armRexmt(tp);
                if (len == 0 && !tp.rexmt.pending() && !tp.persist.pending() && TcpOutput.sbccOf(tp) > 0 && tp.haveEstablished()) {
                    // a pure ACK went out while data waits for a closed window: the probe must still come
                    tp.rxtShift = 0;
                    TcpTimers.setPersistLocked(tp);
                }
            }
        } else {
            if (TcpSeq.gt(tp.sndNxt + len, tp.sndMax)) tp.sndMax = tp.sndNxt + len; // the probe's byte counts as sent
            more = false; // one probe per persist timeout
            sendalotOff = true;
        }
        t.stats.increment(TcpStat.SNDTOTAL);
        if (m != null && !tcp.send(tp, m, ipEcn, TcpPmtuBlackhole.dontFragmentLocked(tp))) {
            if (tsoSegsz > 0 && !tp.has(Tcpcb.TF_TSO)) {
                // EMSGSIZE: the route's interface lost TSO; the same bytes go again in ordinary segments
                tp.sndNxt -= len;
                return true;
            }
            noBuffers(tp, len, flags, sackRxmit);
            return false;
        }
        return sendalotOff ? false : more;
    }

    /**
     * The segment just built never left the host: the interface's queue was full (or no mbuf), FreeBSD's
     * ENOBUFS from ip_output. As tcp_output does, backs out the sequence advance of its data so the same
     * bytes go next (a probe, a SYN or a SACK retransmission stays sent: the timers resend it; a FIN stays
     * sent, and is resent from snd_max as any FIN retransmission), keeps the retransmit timer running and lets
     * the congestion window restart from one segment, so the sender waits for ACKs of what is queued instead
     * of taking the full queue for a loss. snd_max stays, as in FreeBSD: the bytes sent again count as a
     * retransmission.
     */
    private static void noBuffers(Tcpcb tp, int len, int flags, boolean sackRxmit) {
        tp.tcp.stats.increment(TcpStat.SNDNOBUFS);
        boolean probe = tp.has(Tcpcb.TF_FORCEDATA) && tp.persist.pending();
        if (!probe && !sackRxmit && (flags & TcpHeader.SYN) == 0 && len > 0 && (flags & TcpHeader.FIN) == 0) {
            tp.sndNxt -= len;
        }
        armRexmt(tp);
        tp.ccv.cwnd = tp.effectiveMaxseg();
    }

    private static void countFastOpen(Tcpcb tp, byte[] cookie, int len) {
        if (tp.state == TcpState.SYN_RECEIVED) {
            tp.tcp.stats.increment(TcpStat.TFO_COOKIE_SENT);
        } else if (cookie.length == 0) {
            tp.tcp.stats.increment(TcpStat.TFO_COOKIE_REQ);
        } else if (len > 0) {
            tp.tcp.stats.increment(TcpStat.TFO_SYN_DATA_SENT);
        }
    }

    /** Arms the retransmit timer if data is outstanding and it is not running (stopping persist). */
    private static void armRexmt(Tcpcb tp) {
        if (tp.rexmt.pending() || tp.sndNxt == tp.sndUna) return;
        if (tp.persist.pending()) {
            tp.persist.stop();
            tp.rxtShift = 0;
        }
        tp.rexmt.reset(tp.rxtCurNanos);
    }

    /** Whether a segment with {@code flags} would carry SACK blocks (RFC 2018; D-SACK, RFC 2883). */
    static boolean sacksToAdvertise(Tcpcb tp, int flags) {
        return (flags & TcpHeader.SYN) == 0 && tp.has(Tcpcb.TF_SACK_PERMIT) && tp.reass != null
                && (!tp.reass.isEmpty() || tp.reass.hasDsack()) && tp.haveEstablished();
    }
}
