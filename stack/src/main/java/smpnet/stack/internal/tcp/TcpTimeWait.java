package smpnet.stack.internal.tcp;

import static smpnet.stack.internal.wire.TcpHeader.ACK;
import static smpnet.stack.internal.wire.TcpHeader.FIN;
import static smpnet.stack.internal.wire.TcpHeader.RST;
import static smpnet.stack.internal.wire.TcpHeader.SYN;

import smpnet.stack.socket.TcpState;

/**
 * Entering TIME_WAIT ({@code tcp_twstart}), and a segment for a connection in it (FreeBSD's {@code tcp_twcheck}
 * and {@code tcp_twrespond}): a RST does not end it (RFC 1337), a new SYN beyond the old connection's sequence
 * space does, a retransmitted FIN restarts the 2MSL timer, and anything else out of step is answered by an ACK.
 *
 * <p>Locking key: runs under the connection's inp (asserted).
 */
final class TcpTimeWait {
    private TcpTimeWait() {}

    /** Enters TIME_WAIT (tcp_twstart): 2·MSL, every other timer stopped. */
    static void startLocked(Tcpcb tp) {
        tp.lock.assertOwned();
        tp.state = TcpState.TIME_WAIT;
        tp.timer.disarm(TcpTimer.REXMT);
        tp.timer.disarm(TcpTimer.PERSIST);
        tp.timer.disarm(TcpTimer.KEEP);
        tp.timer.disarm(TcpTimer.DELACK);
        if (tp.reass != null) tp.reass.drain();
        tp.reassChangedLocked();
        tp.timer.arm(TcpTimer.TWO_MSL, 2 * tp.tcp.settings.mslNanos);
        if (tp.so != null) tp.so.disconnectedLocked();
    }

    /**
     * tcp_twcheck: a segment for a connection in TIME_WAIT. Returns true if it is a new SYN beyond the old
     * connection's sequence space: the old connection is closed and the SYN goes to the listener.
     */
    static boolean checkLocked(Tcpcb tp, Segment seg) {
        tp.lock.assertOwned();
        Tcp tcp = tp.tcp;
        int thflags = seg.flags;
        if ((thflags & RST) != 0) return false; // RFC 1337: a RST does not end TIME_WAIT
        if ((thflags & (SYN | ACK)) == SYN && TcpSeq.gt(seg.seq, tp.rcvNxt)) {
            tcp.closeLocked(tp);
            return true;
        }
        if (tp.port != seg.port) { // another encapsulation (UDP port) than the connection's: RST, as it came
            tcp.dropWithReset(seg, tp);
            return false;
        }
        if ((thflags & ACK) == 0) return false; // a SYN at or below RCV.NXT among them: silently dropped
        if (tp.has(Tcpcb.TF_RCVD_TSTMP) && !seg.hasTs() && !tcp.settings.tolerateMissingTs) return false;
        if ((thflags & FIN) != 0) {
            int seq = seg.seq + seg.tlen + ((thflags & SYN) != 0 ? 1 : 0);
            if (seq + 1 == tp.rcvNxt) tp.timer.arm(TcpTimer.TWO_MSL, 2 * tcp.settings.mslNanos); // the peer lost our ACK of its FIN
        }
        if (thflags != ACK || seg.tlen != 0 || seg.seq != tp.rcvNxt || seg.ack != tp.sndNxt) {
            tp.set(Tcpcb.TF_ACKNOW);
            respondLocked(tp);
        }
        return false;
    }

    /** tcp_twrespond: an ACK from TIME_WAIT. */
    private static void respondLocked(Tcpcb tp) {
        int win = (int) Math.min(Tcp.TCP_MAXWIN, Math.max(0, tp.rcvAdv - tp.rcvNxt) >> tp.rcvScale);
        tp.clear(Tcpcb.TF_ACKNOW);
        TcpInput.respondAckLocked(tp, win);
    }
}
