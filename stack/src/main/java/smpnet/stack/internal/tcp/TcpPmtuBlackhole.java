package smpnet.stack.internal.tcp;

import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.TcpStat;

/**
 * Path MTU black-hole detection, as FreeBSD 14's {@code tcp_timer_rexmt} does it
 * ({@code net.inet.tcp.pmtud_blackhole_detection}): a path that silently drops segments too large for it (a
 * router that sends no "fragmentation needed", a filter that drops the ICMP) leaves full-sized segments sent
 * with DF unacknowledged. After the first timeout-driven retransmission of such a segment goes unanswered,
 * the MSS is lowered at the second to {@code net.inet.tcp.pmtud_blackhole_mss} (if that is smaller than the
 * MSS and above {@code net.inet.tcp.mssdflt}), two timeouts later to {@code mssdflt}, each candidate getting
 * two retransmissions, only a candidate that lowers the MSS taking its turn; if those go unanswered too the
 * path was not the problem and the MSS before detection comes back.
 *
 * <pre>
 *   t_rxtshift     1        2            3        4              5        6 (exit)
 *   MSS 1460       1460     1200         1200     536            536      1460
 *                           activated             activated_min_mss        failed
 * </pre>
 *
 * With the default 1200 and 536 the exit is at the sixth timeout (2 + 2 + 2); a candidate that would not
 * lower the MSS takes no turn (an MSS of 1200 or less skips the first, {@code pmtud_blackhole_mss} not above
 * {@code mssdflt} the second). An ACK ends the series but not the lowered MSS: the next series starts over
 * from it, and only a failed series restores the MSS saved at the first activation.
 *
 * <p>Whether the segment was full: FreeBSD compares the length tcp_output sends (before the options are taken
 * out of it) with t_maxseg, which includes them. A retransmission after a timeout is limited to the
 * congestion window, one segment less the fixed options; with timestamps (RFC 7323, the default) that is 12
 * bytes short of t_maxseg, so the retransmission that precedes the second timeout never counts as full and
 * the detection never lowers the MSS. smpnet keeps that as it is.
 *
 * <p>The state is FreeBSD's: {@link #BLACKHOLE}, {@link #PMTUD}, {@link #MAXSEGSNT} in t_flags2, and
 * {@code t_blackhole_enter}, {@code t_blackhole_exit}, {@code t_pmtud_saved_maxseg}. smpnet models IPv4
 * (plain and over UDP): {@code pmtud_blackhole_detection} 1 (both) and 2 (IPv4) turn it on, 3 (IPv6 only)
 * leaves it off.
 *
 * <p>Locking key: every method runs under the connection's inp.
 */
final class TcpPmtuBlackhole {
    /** t_flags2: detection lowered the MSS; the MSS to restore is {@code pmtudSavedMaxseg} (TF2_PLPMTU_BLACKHOLE). */
    static final int BLACKHOLE = 0x100;
    /** t_flags2: segments go with DF, path MTU discovery being on and the MSS above minmss (TF2_PLPMTU_PMTUD). */
    static final int PMTUD = 0x200;
    /** t_flags2: the last segment with data sent was a full one (TF2_PLPMTU_MAXSEGSNT). */
    static final int MAXSEGSNT = 0x400;

    private TcpPmtuBlackhole() {}

    /**
     * tcp_output at "send:": a segment with {@code len} bytes of data goes ({@code len} as tcp_output has it
     * there: cut to t_maxseg, or a TSO segment's whole length, before the options are taken out); it was full
     * if {@code len} reaches t_maxseg. A segment without data leaves the flag as it was.
     */
    static void sendingLocked(Tcpcb tp, long len) {
        if (len <= 0) return;
        if (len >= tp.maxseg) tp.flags2 |= MAXSEGSNT;
        else tp.flags2 &= ~MAXSEGSNT;
    }

    /**
     * tcp_output's DF bit: set, and {@link #PMTUD} with it, if net.inet.tcp.path_mtu_discovery is on and the
     * MSS is above net.inet.tcp.minmss (FreeBSD leaves DF off a small MSS, a safe fallback); else both clear.
     */
    static boolean dontFragmentLocked(Tcpcb tp) {
        TcpSettings set = tp.tcp.settings;
        if (set.pathMtuDiscovery && tp.maxseg > set.minmss) {
            tp.flags2 |= PMTUD;
            return true;
        }
        tp.flags2 &= ~PMTUD;
        return false;
    }

    /**
     * tcp_timer_rexmt's black-hole step, after t_rxtshift was raised and before the congestion signal and the
     * retransmission: at the first timeout of a series, where detection would enter and leave; at each of its
     * turns (every second timeout from the second on, while the last segment was full and went with DF) the
     * next lower MSS; at the exit, if the MSS was lowered, the saved MSS back. Only in ESTABLISHED and
     * FIN_WAIT_1 (a short transfer may reach FIN_WAIT_1 before a timeout).
     */
    static void rexmtLocked(Tcpcb tp) {
        TcpSettings set = tp.tcp.settings;
        int detect = set.pmtudBlackholeDetect;
        if ((detect != 1 && detect != 2) || (tp.state != TcpState.ESTABLISHED && tp.state != TcpState.FIN_WAIT_1)) {
            return;
        }
        int bhMss = set.pmtudBlackholeMss;
        int mssdflt = set.mssdflt;
        if (tp.rxtShift == 1) {
            tp.blackholeEnter = 2;
            tp.blackholeExit = tp.blackholeEnter;
            if (tp.maxseg > bhMss) tp.blackholeExit += 2;
            if (tp.maxseg > mssdflt && bhMss > mssdflt) tp.blackholeExit += 2;
        }
        if ((tp.flags2 & (PMTUD | MAXSEGSNT)) == (PMTUD | MAXSEGSNT) && tp.rxtShift >= tp.blackholeEnter
                && tp.rxtShift < tp.blackholeExit && (tp.rxtShift - tp.blackholeEnter) % 2 == 0) {
            if ((tp.flags2 & BLACKHOLE) == 0) {
                tp.flags2 |= BLACKHOLE;
                tp.pmtudSavedMaxseg = tp.maxseg;
            }
            if (tp.maxseg > bhMss && bhMss > mssdflt) {
                setMaxsegLocked(tp, bhMss);
                tp.tcp.stats.increment(TcpStat.PMTUD_BLACKHOLE_ACTIVATED);
            } else {
                setMaxsegLocked(tp, mssdflt);
                tp.flags2 &= ~PMTUD; // at the smallest MSS: no more path MTU discovery (until the next segment)
                tp.tcp.stats.increment(TcpStat.PMTUD_BLACKHOLE_ACTIVATED_MIN_MSS);
            }
        } else if ((tp.flags2 & BLACKHOLE) != 0 && tp.rxtShift >= tp.blackholeExit) {
            // still no answer with a smaller MSS: the path was not the problem
            tp.flags2 |= PMTUD;
            tp.flags2 &= ~BLACKHOLE;
            setMaxsegLocked(tp, tp.pmtudSavedMaxseg);
            tp.tcp.stats.increment(TcpStat.PMTUD_BLACKHOLE_FAILED);
        }
    }

    /**
     * t_maxseg becomes {@code mss}, and what follows it (the SACK scoreboard's SMSS, the congestion control's
     * MSS); then the algorithm's conn_init, as FreeBSD calls it "as the slow-start flight size may depend on
     * the new MSS" (CUBIC's sets W_max to cwnd; NewReno has none).
     */
    private static void setMaxsegLocked(Tcpcb tp, int mss) {
        tp.maxseg = mss;
        if (tp.scoreboard != null) tp.scoreboard.setSmss(tp.effectiveMaxseg());
        if (tp.ccv != null) tp.ccv.maxseg = tp.effectiveMaxseg();
        if (tp.ccc != null) tp.ccc.connInit();
    }
}
