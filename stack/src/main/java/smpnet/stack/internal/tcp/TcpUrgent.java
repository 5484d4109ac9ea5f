package smpnet.stack.internal.tcp;

import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;

/**
 * Urgent data (RFC 9293 3.8.5, RFC 6093) as FreeBSD keeps it: one out-of-band byte. The urgent pointer is
 * read the "BSD" way RFC 6093 describes: it points at the byte after the last urgent byte, on both sides.
 *
 * <pre>
 *   sender:   send(MSG_OOB) of byte U    snd_up = snd_una + bytes in so_snd   (one past U)
 *             every segment before snd_up carries URG and urp = snd_up - its seq (at most 65535)
 *   receiver: rcv_up = seq + urp         so_oobmark = bytes before U in so_rcv
 *             U in this segment, no SO_OOBINLINE: U leaves the stream into t_iobc (tcp_pulloutofband)
 *             recv(MSG_OOB) returns t_iobc once; reads stop at the mark; SIOCATMARK says "here"
 * </pre>
 *
 * A later urgent byte moves the mark and replaces an unread one (one byte of "out-of-band" data, as BSD
 * has it). Differences from FreeBSD: the byte is taken out only of a segment that goes straight to the
 * receive buffer (FreeBSD also takes it out of one it queues for reassembly); from a queued one it stays
 * inline, where an application with SO_OOBINLINE finds it anyway. Every method runs under the pcb's inp.
 */
final class TcpUrgent {
    private TcpUrgent() {}

    /** TCPOOB_HAVEDATA: t_iobc holds an out-of-band byte not yet read. */
    static final int HAVEDATA = 1;
    /** TCPOOB_HADDATA: the out-of-band byte of the current mark was read. */
    static final int HADDATA = 2;
    /** The largest urgent pointer a segment can carry. */
    private static final int MAX_URP = 0xFFFF;

    /**
     * The URG processing of step six (tcp_do_segment, before the data): a segment whose urgent pointer goes
     * past RCV.UP sets the receive buffer's mark and forgets the last out-of-band byte; without URG, RCV.UP
     * follows RCV.NXT. In a FIN-received state URG is ignored. Returns the payload offset of the urgent byte
     * to leave out of the stream (its value is now t_iobc), or -1: only a segment that goes straight to the
     * receive buffer ({@code inOrder}) gives it up, and only without SO_OOBINLINE.
     */
    static int inputLocked(Tcpcb tp, Segment seg, int thflags, boolean inOrder) {
        tp.lock.assertOwned();
        if ((thflags & TcpHeader.URG) == 0 || seg.urp == 0 || tp.haveReceivedFin() || tp.so == null) {
            if (TcpSeq.gt(tp.rcvNxt, tp.rcvUp)) tp.rcvUp = tp.rcvNxt; // no mark ahead: drag RCV.UP along
            return -1;
        }
        StreamBuffer rcv = tp.so.rcv();
        boolean moved = false;
        rcv.lock.lock();
        try {
            // FreeBSD's guard: a pointer further than any receive buffer could reach is not a mark at all
            if ((long) seg.urp + rcv.ccLocked() > tp.tcp.settings.maxSockBuf()) return -1;
            if (TcpSeq.gt(seg.seq + seg.urp, tp.rcvUp)) {
                tp.rcvUp = seg.seq + seg.urp;
                rcv.markLocked(rcv.ccLocked() + (tp.rcvUp - tp.rcvNxt) - 1);
                tp.oobFlags &= ~(HAVEDATA | HADDATA);
                moved = true;
            }
        } finally {
            rcv.lock.unlock();
        }
        if (moved) tp.so.readableLocked(); // sohasoutofband: waiters and watchers see the mark
        if (seg.urp > seg.tlen || tp.oobInline || !inOrder) return -1;
        int at = seg.urp - 1;
        byte[] one = new byte[1];
        seg.m.copyData(seg.dataOff + at, 1, one, 0);
        tp.iobc = one[0];
        tp.oobFlags |= HAVEDATA;
        return at;
    }

    /**
     * tcp_usr_rcvoob: the out-of-band byte (0 to 255), once; or -EINVAL when there is none to read (no mark,
     * SO_OOBINLINE, or already read), -EWOULDBLOCK when the mark is known but its byte has not arrived yet.
     * Never blocks (FreeBSD's soreceive_rcvoob).
     */
    static int receiveLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        if (tp.dropped) return -Tcp.ECONNRESET;
        boolean markKnown;
        if (tp.so == null) {
            markKnown = false;
        } else {
            StreamBuffer rcv = tp.so.rcv();
            rcv.lock.lock();
            try {
                markKnown = rcv.oobMarkLocked() != 0 || rcv.atMarkLocked();
            } finally {
                rcv.lock.unlock();
            }
        }
        if (!markKnown || tp.oobInline || (tp.oobFlags & HADDATA) != 0) return -TcpUsrReq.EINVAL;
        if ((tp.oobFlags & HAVEDATA) == 0) return -TcpUsrReq.EWOULDBLOCK;
        tp.oobFlags ^= HAVEDATA | HADDATA;
        return tp.iobc & 0xFF;
    }

    /**
     * tcp_usr_send with PRUS_OOB, after the byte was appended to so_snd ({@code sbcc} bytes now): the urgent
     * pointer goes one past it, and output runs with TF_FORCEDATA (a closed window still lets one byte go).
     */
    static void sendLocked(Tcpcb tp, int sbcc) {
        tp.lock.assertOwned();
        tp.sndUp = tp.sndUna + sbcc;
        if (tp.dropped || tp.state == smpnet.stack.socket.TcpState.SYN_SENT
                || tp.state == smpnet.stack.socket.TcpState.SYN_RECEIVED) {
            return; // the pointer goes out with the data once the connection is established
        }
        tp.set(Tcpcb.TF_FORCEDATA);
        TcpOutput.outputLocked(tp);
        tp.clear(Tcpcb.TF_FORCEDATA);
    }

    /** tcp_output: urgent data is not yet acknowledged, so a segment is due. */
    static boolean pendingLocked(Tcpcb tp) { return TcpSeq.gt(tp.sndUp, tp.sndUna); }

    /**
     * tcp_output's URG for segment {@code m} (sequence number {@code seq}): while the urgent pointer lies
     * beyond it, URG and the offset to the pointer (clamped to 65535: the pointer then still says
     * urgent data lies ahead); otherwise RCV.UP's sending twin is dragged to SND.UNA, so it never drifts
     * into the window after a wrap. Returns the flags with URG added if it applies.
     */
    static int flagsLocked(Tcpcb tp, int seq, int flags) {
        if (TcpSeq.gt(tp.sndUp, seq)) return flags | TcpHeader.URG;
        tp.sndUp = tp.sndUna;
        return flags;
    }

    /** The urgent pointer of a segment from {@code seq} that {@link #flagsLocked} gave URG. */
    static int pointer(Tcpcb tp, int seq) { return (int) Math.min(MAX_URP, Integer.toUnsignedLong(tp.sndUp - seq)); }

    /** Writes the urgent pointer into a built segment with URG. */
    static void stamp(Tcpcb tp, Mbuf m, int seq, int flags) {
        if (m != null && (flags & TcpHeader.URG) != 0) TcpSegmentBuilder.setUrgentPointer(m, pointer(tp, seq));
    }
}
