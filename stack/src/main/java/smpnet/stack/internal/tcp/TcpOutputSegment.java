package smpnet.stack.internal.tcp;

import smpnet.locking.GuardedBy;
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
 * <p>{@link #sendLocked} reads as FreeBSD's code after its {@code send:} label, one step a method; the
 * steps share the segment being built in the connection's {@link Draft}, so that none allocates.
 *
 * <p>Locking key: every method runs under the connection's inp; the payload is copied (or referenced) from
 * the send buffer under its so_snd, taken after inp and released before the segment goes to IP.
 */
final class TcpOutputSegment {
    private TcpOutputSegment() {}

    /**
     * The segment {@link #sendLocked} is building: the locals of tcp_output's {@code send:} half, which FreeBSD
     * keeps on the stack of one function. Each thread has one ({@link TcpOutput.Scratch}), filled afresh
     * by every segment; nothing reads it once the segment has gone to IP, so an output started from below
     * {@link Tcp#send} could spoil nothing of the segment that called it.
     */
    static final class Draft {
        /** The control bits (th_flags); the steps clear FIN, add PSH, URG, ECE and CWR. */
        @GuardedBy("inp") int flags;
        /** The payload's length: cut by the options, by the interface's TSO limits, to 0 for an unfitting cookie. */
        @GuardedBy("inp") int len;
        /** The payload's offset from snd_una in the send buffer. */
        @GuardedBy("inp") int off;
        /** A SACK retransmission (RFC 6675 NextSeg) of the hole at {@link #rxmitSeq}. */
        @GuardedBy("inp") boolean sackRxmit;
        @GuardedBy("inp") int rxmitSeq;
        /** The receive window in bytes (rounded to the scale's unit once the window field is computed). */
        @GuardedBy("inp") long recwin;
        /** TcpOptions bits of the options the segment carries. */
        @GuardedBy("inp") int which;
        /** The options' bytes, null for none, and their length. */
        @GuardedBy("inp") byte[] opts;
        @GuardedBy("inp") int optlen;
        /** More data is ready than this segment takes: tcp_output goes again (sendalot). */
        @GuardedBy("inp") boolean more;
        /** The segment size of a TSO segment (tso_segsz), 0 for an ordinary segment. */
        @GuardedBy("inp") int tsoSegsz;
        /** th_seq. */
        @GuardedBy("inp") int seq;
        /** The segment's packet, its payload copied in, the headers yet to come. */
        @GuardedBy("inp") Mbuf packet;
        /** The segment's data by reference (zero-copy regions) or in clusters (a TSO segment). */
        @GuardedBy("inp") Mbuf payload;
        /** No mbuf for the payload: the segment is not built, the bookkeeping still done. */
        @GuardedBy("inp") boolean noPayload;
        /** The payload references zero-copy regions (the send buffer counted its bytes). */
        @GuardedBy("inp") boolean byRef;
        /** th_win, scaled; th_ack (0 without ACK); the IP header's ECN codepoint. */
        @GuardedBy("inp") int win;
        @GuardedBy("inp") int ackNum;
        @GuardedBy("inp") int ipEcn;

        /** Starts a segment afresh from what tcp_output decided. */
        Draft begin(int flags, int len, int off, boolean sackRxmit, int rxmitSeq, long recwin) {
            this.flags = flags;
            this.len = len;
            this.off = off;
            this.sackRxmit = sackRxmit;
            this.rxmitSeq = rxmitSeq;
            this.recwin = recwin;
            which = 0;
            opts = null;
            optlen = 0;
            more = false;
            tsoSegsz = 0;
            seq = 0;
            packet = null;
            payload = null;
            noPayload = false;
            byRef = false;
            win = 0;
            ackNum = 0;
            ipEcn = 0;
            return this;
        }

        /** Drops the references to the segment's buffers once it is built (the draft lives as long as the connection). */
        void forgetBuffers() {
            opts = null;
            packet = null;
            payload = null;
        }
    }

    /**
     * The "send:" half of tcp_output: options, the segment, sequence bookkeeping, timers, counters; true if
     * more data is ready than the segment took (sendalot).
     */
    static boolean sendLocked(Tcpcb tp, int flags, int len, int off, boolean sackRxmit, int rxmitSeq,
                              long recwin, long sendwin, boolean markSent, boolean tso) {
        Draft d = TcpOutput.scratch().segment.begin(flags, len, off, sackRxmit, rxmitSeq, recwin);
        addOptionsLocked(tp, d);
        fitToMaxsegLocked(tp, d, tso);
        chooseSequenceLocked(tp, d);
        grabPayloadLocked(tp, d);
        if (d.tsoSegsz > 0 && d.payload != null) TcpTso.fitToDmaSegmentsLocked(tp, d);
        windowToAdvertiseLocked(tp, d);
        headerFlagsLocked(tp, d);
        countSegmentLocked(tp, d);
        Mbuf m = buildSegmentLocked(tp, d);
        advanceSequenceLocked(tp, d, markSent);
        tp.tcp.stats.increment(TcpStat.SNDTOTAL);
        return ipOutputLocked(tp, d, m);
    }

    /**
     * tcp_addoptions, "compute options for segment": on a SYN the MSS, window scale and SACK-permitted;
     * timestamps once both sides use them (or on our SYN offering them); the TCP-MD5 signature; SACK blocks
     * (RFC 2018 4 order, D-SACK first, RFC 2883) as many as fit; the Fast Open option. None at all with
     * TCP_NOOPT.
     */
    private static void addOptionsLocked(Tcpcb tp, Draft d) {
        int flags = d.flags;
        int which = 0;
        int mss = 0;
        int tsVal = 0;
        int tsEcr = 0;
        int[] sacks = null;
        int nsacks = 0;
        byte[] cookie = null;
        if (!tp.has(Tcpcb.TF_NOOPT)) {
            if ((flags & TcpHeader.SYN) != 0) {
                which |= TcpOptions.MSS;
                mss = TcpMss.mssOption(tp);
                which |= synOptions(tp, flags);
            }
            if (tp.has(Tcpcb.TF_REQ_TSTMP) && (tp.has(Tcpcb.TF_RCVD_TSTMP) || ((flags & TcpHeader.SYN) != 0
                    && (flags & TcpHeader.ACK) == 0))) {
                which |= TcpOptions.TIMESTAMP;
                tsVal = tp.tsNow();
                tsEcr = tp.tsRecent;
            }
            if (tp.has(Tcpcb.TF_SIGNATURE)) which |= TcpOptions.SIGNATURE; // RFC 2385, before SACK as FreeBSD
            if (sacksToAdvertise(tp, flags)) {
                sacks = tp.reass.sackOption(tp.rcvNxt, TcpOptions.MAX_SACK_BLOCKS);
                tp.reassChangedLocked(); // the D-SACK is reported once
                nsacks = TcpOptions.sackBlocksThatFit(which | TcpOptions.SACK, sacks.length / 2);
                if (nsacks > 0) which |= TcpOptions.SACK;
            }
            if ((flags & TcpHeader.SYN) != 0) cookie = fastOpenOptionLocked(tp, d, which);
            if (cookie != null) which |= TcpOptions.FAST_OPEN;
        }
        d.which = which;
        d.opts = which == 0 ? null
                : TcpOptions.build(which, mss, tp.requestRScale, tsVal, tsEcr, sacks, nsacks, cookie);
        d.optlen = d.opts == null ? 0 : d.opts.length;
    }

    /** The SYN's options after the MSS: window scale (on a SYN,ACK only if the peer's SYN had it), SACK-permitted. */
    private static int synOptions(Tcpcb tp, int flags) {
        int which = 0;
        if (tp.has(Tcpcb.TF_REQ_SCALE) && ((flags & TcpHeader.ACK) == 0 || tp.has(Tcpcb.TF_RCVD_SCALE))) {
            which |= TcpOptions.WSCALE;
        }
        if (tp.has(Tcpcb.TF_SACK_PERMIT)) which |= TcpOptions.SACK_PERMITTED;
        return which;
    }

    /**
     * TCP Fast Open (RFC 7413): the first SYN carries the client's cookie (or asks for one), the first SYN-ACK
     * the server's. Returns the cookie to send beside the options {@code which}, null for none; a cookie that
     * does not fit is left off, and with it the SYN's data.
     */
    private static byte[] fastOpenOptionLocked(Tcpcb tp, Draft d, int which) {
        byte[] cookie = TcpOutput.fastOpenCookieLocked(tp);
        if (cookie == null) return null;
        if (!TcpOptions.fastOpenFits(which, cookie.length)) {
            d.len = 0;
            return null;
        }
        countFastOpen(tp, cookie, d.len);
        return cookie;
    }

    /**
     * "Adjust data length if insertion of options will bump the packet length beyond the t_maxseg length":
     * options come out of the segment's payload room (t_maxseg counts both), and a segment so cut loses its FIN.
     * A TSO segment is instead cut to what the interface takes ({@link TcpTso#lengthLocked}).
     */
    private static void fitToMaxsegLocked(Tcpcb tp, Draft d, boolean tso) {
        if (d.len + d.optlen <= tp.maxseg) return;
        d.flags &= ~TcpHeader.FIN;
        if (tso) {
            TcpTso.lengthLocked(tp, d);
        } else {
            d.len = Math.max(0, tp.maxseg - d.optlen);
            d.more = true;
        }
    }

    /**
     * th_seq: "if resending a FIN, be sure not to use a new sequence number" (back up over it); a SYN always
     * leaves from the ISS (SYN-RECEIVED resends its SYN,ACK when output finds an ACK due); a SACK
     * retransmission from its hole; data, SYN, FIN and persist probes from snd_nxt, anything else (a pure
     * ACK) from snd_max.
     */
    private static void chooseSequenceLocked(Tcpcb tp, Draft d) {
        int flags = d.flags;
        if ((flags & TcpHeader.FIN) != 0 && tp.has(Tcpcb.TF_SENTFIN) && tp.sndNxt == tp.sndMax && d.len == 0
                && !d.sackRxmit) {
            tp.sndNxt--;
        }
        if ((flags & TcpHeader.SYN) != 0) tp.sndNxt = tp.sndUna;
        if (d.sackRxmit) {
            d.seq = d.rxmitSeq;
        } else if (d.len > 0 || (flags & (TcpHeader.SYN | TcpHeader.FIN)) != 0 || tp.timer.armed(TcpTimer.PERSIST)) {
            d.seq = tp.sndNxt;
        } else {
            d.seq = tp.sndMax;
        }
    }

    /**
     * "Grab a header mbuf, attaching a copy of data to be transmitted": references to the zero-copy regions
     * in the send buffer, clusters for a TSO segment (which the NIC shares among its frames), or the bytes
     * copied from the ring straight into the segment's mbuf, behind room for the headers. No mbuf: no
     * payload, {@link Draft#noPayload}.
     */
    private static void grabPayloadLocked(Tcpcb tp, Draft d) {
        if (d.len <= 0) return;
        Tcp tcp = tp.tcp;
        StreamBuffer snd = tp.so.snd();
        snd.lock.lock();
        try {
            if (snd.hasRegionsLocked()) {
                d.byRef = true;
                d.payload = snd.payloadLocked(d.off, d.len, tcp.alloc, tcp.stats);
                d.noPayload = d.payload == null;
            } else if (d.tsoSegsz > 0) {
                // counted as copied once trimmed to the interface's DMA segments ({@link TcpTso#fitToDmaSegmentsLocked})
                d.payload = snd.clustersLocked(d.off, d.len, tcp.alloc);
                d.noPayload = d.payload == null;
            } else {
                Mbuf packet = tcp.segments.payloadPacket(d.optlen, d.len);
                if (packet != null && !snd.appendToLocked(d.off, d.len, packet)) {
                    packet.freeChain();
                    packet = null;
                }
                d.packet = packet;
                d.noPayload = packet == null;
                tcp.stats.add(TcpStat.SNDBYTE_COPIED, d.len);
            }
        } finally {
            snd.lock.unlock();
        }
    }

    /**
     * th_win, from the receive window tcp_output calculated: none on a RST; a SYN's never scaled (RFC 7323
     * 2.2); otherwise rounded up to the scale's unit (roundup2), so that scaling never shrinks it, and that
     * rounded window is what rcv_adv remembers as advertised. Notes a zero window sent (TF_RXWIN0SENT).
     */
    private static void windowToAdvertiseLocked(Tcpcb tp, Draft d) {
        if (d.recwin < 0 || (d.flags & TcpHeader.RST) != 0) d.recwin = 0;
        if ((d.flags & TcpHeader.SYN) != 0) {
            d.win = (int) Math.min(d.recwin, Tcp.TCP_MAXWIN);
        } else {
            long unit = 1L << tp.rcvScale;
            d.recwin = (d.recwin + unit - 1) & -unit;
            d.win = (int) Math.min(d.recwin >> tp.rcvScale, Tcp.TCP_MAXWIN);
        }
        if (d.win == 0 && tp.haveEstablished()) tp.set(Tcpcb.TF_RXWIN0SENT);
        else tp.clear(Tcpcb.TF_RXWIN0SENT);
    }

    /**
     * th_ack and the flags the segment's contents decide: "if we're sending everything we've got, set PUSH";
     * URG from the urgent pointer (TcpUrgent); ECN (TcpEcn): our SYN asks for it, a connection that
     * negotiated it marks new data ECT(0) and carries ECE and CWR as feedback (a simultaneous open's
     * SYN,ACK sends its ECE once).
     */
    private static void headerFlagsLocked(Tcpcb tp, Draft d) {
        int flags = d.flags;
        d.ackNum = (flags & TcpHeader.ACK) != 0 ? tp.rcvNxt : 0;
        if ((flags & TcpHeader.RST) != 0 && (flags & TcpHeader.ACK) == 0) d.ackNum = 0;
        if (d.len > 0 && TcpSeq.ge(d.seq + d.len, tp.sndUna + TcpOutput.sbccOf(tp)) && (flags & TcpHeader.SYN) == 0) {
            flags |= TcpHeader.PSH;
        }
        flags = TcpUrgent.flagsLocked(tp, d.seq, flags);
        if (tp.state == TcpState.SYN_SENT) flags |= TcpEcn.synSentFlags(tp);
        if (tp.haveReceivedSyn() && (tp.flags2 & TcpEcn.ECN_PERMIT) != 0) {
            boolean newData = TcpEcn.newData(tp, d.len, d.sackRxmit);
            flags = TcpEcn.outputFlags(tp, flags, newData);
            d.ipEcn = TcpEcn.codepoint(tp, newData);
            if (tp.state == TcpState.SYN_RECEIVED) tp.flags2 &= ~TcpEcn.ECN_SND_ECE;
        }
        d.flags = flags;
    }

    /** The counters (tcpstat) as tcp_output counts the segment: a probe, a retransmission, new data, an ACK, a control segment, a window update. */
    private static void countSegmentLocked(Tcpcb tp, Draft d) {
        Tcp t = tp.tcp;
        int len = d.len;
        if (len > 0) {
            if (tp.has(Tcpcb.TF_FORCEDATA) && len == 1) {
                t.stats.increment(TcpStat.SNDPROBE);
            } else if (TcpSeq.lt(d.seq, tp.sndMax) || d.sackRxmit) {
                t.stats.increment(TcpStat.SNDREXMITPACK);
                t.stats.add(TcpStat.SNDREXMITBYTE, len);
                tp.totalRetransmitted++;
                if (d.sackRxmit) {
                    t.stats.increment(TcpStat.SACK_REXMITS);
                    t.stats.add(TcpStat.SACK_REXMIT_BYTES, len);
                }
            } else {
                t.stats.increment(TcpStat.SNDPACK);
                t.stats.add(TcpStat.SNDBYTE, len);
            }
        } else if (tp.has(Tcpcb.TF_ACKNOW) && (d.flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST)) == 0) {
            t.stats.increment(TcpStat.SNDACKS);
        } else if ((d.flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST)) != 0) {
            t.stats.increment(TcpStat.SNDCTRL);
        } else {
            t.stats.increment(TcpStat.SNDWINUP);
        }
    }

    /**
     * "Fill in fields": the headers in front of the payload (or of nothing, for a segment without data), the
     * urgent pointer, the TCP-MD5 signature. Null when there was no mbuf (for the payload, the headers or the
     * signature): the bookkeeping is still done and the retransmit timer recovers.
     */
    private static Mbuf buildSegmentLocked(Tcpcb tp, Draft d) {
        TcpSegmentBuilder segments = tp.tcp.segments;
        Mbuf m;
        if (d.payload != null) {
            m = segments.buildChain(tp.laddr, tp.faddr, tp.lport, tp.fport, d.seq, d.ackNum, d.flags, d.win, d.opts,
                    d.payload, d.len, d.tsoSegsz);
        } else if (d.packet != null) {
            m = segments.finish(d.packet, tp.laddr, tp.faddr, tp.lport, tp.fport, d.seq, d.ackNum, d.flags, d.win,
                    d.opts, d.len);
        } else {
            m = d.noPayload ? null : segments.build(tp.laddr, tp.faddr, tp.lport, tp.fport, d.seq, d.ackNum, d.flags,
                    d.win, d.opts, null, 0, 0);
        }
        TcpUrgent.stamp(tp, m, d.seq, d.flags);
        if ((d.which & TcpOptions.SIGNATURE) != 0) m = tp.tcp.signatures.signOrFree(m, tp.laddr, tp.faddr, d.opts);
        d.forgetBuffers();
        return m;
    }

    /**
     * The sequence bookkeeping, done even if the segment was not built: the window advertised (rcv_adv), the
     * ACK sent; then "in transmit state, time the transmission and arrange for the retransmit; in persist
     * state, just set snd_max": a SACK retransmission goes on the scoreboard, a probe takes its byte and no
     * second segment follows it (one probe per persist timeout).
     */
    private static void advanceSequenceLocked(Tcpcb tp, Draft d, boolean markSent) {
        if (d.recwin > 0 && TcpSeq.gt(tp.rcvNxt + (int) d.recwin, tp.rcvAdv)) tp.rcvAdv = tp.rcvNxt + (int) d.recwin;
        tp.lastAckSent = tp.rcvNxt;
        tp.clear(Tcpcb.TF_ACKNOW | Tcpcb.TF_DELACK);
        tp.timer.disarm(TcpTimer.DELACK);
        if (d.sackRxmit) {
            if (markSent) tp.scoreboard.sent(new SackScoreboard.Segment(d.seq, d.len, SackScoreboard.Rule.LOST_HOLE));
            armRexmt(tp);
        } else if (!tp.has(Tcpcb.TF_FORCEDATA) || !tp.timer.armed(TcpTimer.PERSIST)) {
            advanceSndNxtLocked(tp, d);
        } else {
            if (TcpSeq.gt(tp.sndNxt + d.len, tp.sndMax)) tp.sndMax = tp.sndNxt + d.len; // the probe's byte counts as sent
            d.more = false;
        }
    }

    /**
     * "Advance snd_nxt over sequence space of this segment" (SYN and FIN count one each, a RST nothing);
     * "time this transmission if not a retransmission and not currently timing anything" (no timestamps:
     * Karn); "set retransmit timer if not currently set" (or the persist timer, when a pure ACK went out
     * while data waits for a closed window: the probe must still come).
     */
    private static void advanceSndNxtLocked(Tcpcb tp, Draft d) {
        int flags = d.flags;
        int startSeq = tp.sndNxt;
        if ((flags & TcpHeader.SYN) != 0) tp.sndNxt++;
        if ((flags & TcpHeader.FIN) != 0) {
            tp.sndNxt++;
            tp.set(Tcpcb.TF_SENTFIN);
        }
        if ((flags & TcpHeader.RST) != 0) return;
        tp.sndNxt += d.len;
        if (TcpSeq.gt(tp.sndNxt, tp.sndMax)) {
            tp.sndMax = tp.sndNxt;
            if (tp.rttStartNanos == Tcpcb.NOT_TIMED && tp.state != TcpState.CLOSED) {
                tp.rttStartNanos = tp.nowNanos();
                tp.rtseq = startSeq;
                tp.tcp.stats.increment(TcpStat.SEGSTIMED);
            }
        }
        armRexmt(tp);
        if (d.len == 0 && !tp.timer.armed(TcpTimer.REXMT) && !tp.timer.armed(TcpTimer.PERSIST) && TcpOutput.sbccOf(tp) > 0 && tp.haveEstablished()) {
            tp.rxtShift = 0;
            TcpTimers.setPersistLocked(tp);
        }
    }

    /**
     * The segment to IP ({@link Tcp#send}); true if more should follow. What the draft holds is read first:
     * nothing of it is read once the segment has gone. On failure, tcp_output's {@code out:}: an EMSGSIZE of
     * a TSO segment (the route's interface lost TSO) sends the same bytes again in ordinary segments, any
     * other is ENOBUFS ({@link #noBuffers}).
     */
    private static boolean ipOutputLocked(Tcpcb tp, Draft d, Mbuf m) {
        int len = d.len;
        int flags = d.flags;
        boolean sackRxmit = d.sackRxmit;
        boolean tsoSegment = d.tsoSegsz > 0;
        boolean more = d.more;
        if (m == null || tp.tcp.send(tp, m, d.ipEcn, TcpPmtuBlackhole.dontFragmentLocked(tp))) return more;
        if (tsoSegment && !tp.has(Tcpcb.TF_TSO)) {
            tp.sndNxt -= len;
            return true;
        }
        noBuffers(tp, len, flags, sackRxmit);
        return false;
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
        boolean probe = tp.has(Tcpcb.TF_FORCEDATA) && tp.timer.armed(TcpTimer.PERSIST);
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
        if (tp.timer.armed(TcpTimer.REXMT) || tp.sndNxt == tp.sndUna) return;
        if (tp.timer.armed(TcpTimer.PERSIST)) {
            tp.timer.disarm(TcpTimer.PERSIST);
            tp.rxtShift = 0;
        }
        tp.timer.arm(TcpTimer.REXMT, tp.rxtCurNanos);
    }

    /** Whether a segment with {@code flags} would carry SACK blocks (RFC 2018; D-SACK, RFC 2883). */
    static boolean sacksToAdvertise(Tcpcb tp, int flags) {
        return (flags & TcpHeader.SYN) == 0 && tp.has(Tcpcb.TF_SACK_PERMIT) && tp.segqToReportLocked()
                && tp.haveEstablished();
    }
}
