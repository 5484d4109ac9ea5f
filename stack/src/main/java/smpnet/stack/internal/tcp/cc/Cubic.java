package smpnet.stack.internal.tcp.cc;

/**
 * CUBIC (RFC 9438), shaped like FreeBSD 14's {@code cc_cubic} (without HyStart++, which FreeBSD also leaves to
 * a socket option).
 *
 * <pre>
 *   W_cubic(t) = C·(t - K)³ + W_max              C = 0.4, t in seconds since the epoch began   (RFC 9438 4.2)
 *   K          = ∛((W_max - cwnd_epoch) / C)                                                    (RFC 9438 4.2)
 *   W_est     += α·segments_acked / cwnd          α = 3(1-β)/(1+β), or 1 once W_est ≥ cwnd_prior (4.3)
 *   on loss:    W_max = cwnd (or cwnd·(1+β)/2 if below the last W_max: fast convergence, 4.7);
 *               ssthresh = max(cwnd·β, 2·SMSS), β = 0.7 (4.6)
 * </pre>
 *
 * Windows are in bytes (segments·SMSS); real-valued results are rounded to the nearest byte. Per ACK in
 * congestion avoidance: in the Reno-friendly region (W_cubic(t) < W_est) cwnd = W_est; otherwise cwnd grows by
 * (target - cwnd)/cwnd segments with target = W_cubic(t + RTT) kept within [cwnd, 1.5·cwnd] (4.4, 4.5), RTT
 * being the smoothed RTT (FreeBSD uses the mean RTT of the last epoch). Slow start is NewReno's with ABC,
 * while cwnd is below ssthresh. A congestion avoidance epoch begins at the loss (as FreeBSD sets {@code t_epoch}
 * at the congestion signal) with cwnd_epoch = the reduced window; when slow start ends without a loss (4.10) or
 * after an RTO (4.8), it begins at that ACK with W_max = cwnd and K = 0. After an application-limited or idle
 * period the epoch restarts at the current window, so idle time does not count as growth time.
 *
 * <p>Locking: the per-connection {@link State} is guarded by the connection's pcb lock, held by every caller.
 */
public final class Cubic implements CcAlgorithm {
    public static final Cubic INSTANCE = new Cubic();

    /** RFC 9438 4.6 β_cubic, as a fraction: 7/10. */
    static final int BETA_NUM = 7;
    static final int BETA_DEN = 10;
    static final double BETA = 0.7;
    /** RFC 9438 4.2 C. */
    static final double C = 0.4;
    /** RFC 9438 4.3 α_cubic while W_est is below cwnd_prior. */
    static final double ALPHA = 3.0 * (1 - BETA) / (1 + BETA);
    private static final double NANOS_PER_SECOND = 1e9;

    /** The variables of one congestion avoidance epoch; an RTO keeps a copy to restore if it was spurious. */
    static final class Epoch {
        /** Window (bytes) just before the last reduction, after fast convergence. */
        long wMax;
        /** Seconds W_cubic takes to grow from cwnd_epoch back to W_max. */
        double k;
        /** When the epoch began (nanoseconds of the stack clock). */
        long tEpoch;
        /** cwnd (bytes) when the epoch began. */
        long cwndEpoch;
        /** The Reno-friendly estimate (bytes). */
        double wEst;
        /** cwnd (bytes) before the last reduction. */
        long cwndPrior;
        /** A loss (or ECN, or RTO) has happened: W_max is defined. */
        boolean congEvent;

        Epoch copy() {
            Epoch c = new Epoch();
            c.wMax = wMax;
            c.k = k;
            c.tEpoch = tEpoch;
            c.cwndEpoch = cwndEpoch;
            c.wEst = wEst;
            c.cwndPrior = cwndPrior;
            c.congEvent = congEvent;
            return c;
        }
    }

    /** CUBIC's per-connection state (FreeBSD's {@code struct cubic}); guarded by the pcb lock. */
    public static final class State implements CcState {
        Epoch e = new Epoch();
        /** The epoch as the first RTO of a series found it. */
        Epoch undo;
        boolean inSlowStart;
        boolean appLimited;
        boolean rtoEvent;

        public long wMax() { return e.wMax; }

        public double k() { return e.k; }

        public long tEpoch() { return e.tEpoch; }

        public long cwndEpoch() { return e.cwndEpoch; }

        public double wEst() { return e.wEst; }

        public long cwndPrior() { return e.cwndPrior; }
    }

    private Cubic() {}

    @Override public String name() { return "cubic"; }

    @Override public CcState newState(CcVars v) {
        State s = new State();
        s.e.wMax = v.cwnd; // FreeBSD's cubic_conn_init: a sane W_max before any loss
        s.e.cwndPrior = v.cwnd;
        s.e.tEpoch = v.nowNanos.getAsLong();
        return s;
    }

    /** cubic_conn_init: W_max is the current window. */
    @Override public void connInit(CcVars v) {
        ((State) v.state()).e.wMax = v.cwnd;
    }

    /** RFC 9438 Figure 2: K = ∛((W_max - cwnd_epoch)/C) in seconds, windows in segments; 0 if W_max ≤ cwnd_epoch. */
    static double k(long wMax, long cwndEpoch, int mss) {
        if (wMax <= cwndEpoch) return 0;
        return Math.cbrt((double) (wMax - cwndEpoch) / mss / C);
    }

    /** RFC 9438 Figure 1 in bytes: W_cubic(t) = C·(t-K)³·SMSS + W_max, at least 0. */
    static long wCubic(double tSeconds, State s, int mss) {
        double d = tSeconds - s.e.k;
        return Math.max(0, Math.round(C * d * d * d * mss + s.e.wMax));
    }

    @Override public void ackReceived(CcVars v, AckType type) {
        State s = (State) v.state();
        if (type != AckType.ACK || v.inRecovery()) return;
        if (!v.cwndLimited) {
            s.appLimited = true;
            return;
        }
        if (v.cwnd < v.ssthresh) {
            // RFC 5681 lets cwnd == ssthresh go either way; FreeBSD slow-starts there, which would discard the
            // epoch a loss just began. CUBIC continues in congestion avoidance (RFC 9438 4.6).
            s.inSlowStart = true;
            NewReno.slowStart(v);
            return;
        }
        long now = v.nowNanos.getAsLong();
        if (s.rtoEvent && s.inSlowStart) {
            // RFC 9438 4.8: the first congestion avoidance after a timeout grows from W_max = cwnd, K = 0.
            s.rtoEvent = false;
            s.inSlowStart = false;
            s.appLimited = false;
            s.e.wMax = v.cwnd;
            startEpoch(s, v, now);
        } else if (s.inSlowStart || s.appLimited) {
            if (s.inSlowStart && !s.e.congEvent) {
                // RFC 9438 4.10: slow start ended without a loss; W_max is undefined, so W_max = cwnd, K = 0.
                s.e.wMax = v.cwnd;
                s.e.cwndPrior = v.cwnd;
            }
            s.inSlowStart = false;
            s.appLimited = false;
            s.e.wMax = Math.max(s.e.wMax, v.cwnd);
            startEpoch(s, v, now);
        }
        double t = (now - s.e.tEpoch) / NANOS_PER_SECOND;
        double rtt = v.srttNanos / NANOS_PER_SECOND;
        int mss = v.maxseg;
        double alpha = s.e.wEst >= s.e.cwndPrior ? 1.0 : ALPHA;
        s.e.wEst += alpha * mss * v.bytesThisAck / v.cwnd;
        long cubicNow = wCubic(t, s, mss);
        if (cubicNow < s.e.wEst) {
            // RFC 9438 4.3: Reno-friendly region.
            long est = Math.round(s.e.wEst);
            if (est > v.cwnd) v.cwnd = (int) Math.min(est, v.maxCwnd());
            return;
        }
        // RFC 9438 4.4/4.5: concave and convex regions, towards W_cubic one RTT ahead.
        long target = Math.min(Math.max(wCubic(t + rtt, s, mss), v.cwnd), v.cwnd + (v.cwnd >> 1));
        long incr = (target - v.cwnd) * mss / v.cwnd;
        NewReno.grow(v, (int) incr);
    }

    /** Begins a congestion avoidance epoch at the current window. */
    private static void startEpoch(State s, CcVars v, long now) {
        s.e.tEpoch = now;
        s.e.cwndEpoch = v.cwnd;
        s.e.wEst = v.cwnd;
        s.e.k = k(s.e.wMax, s.e.cwndEpoch, v.maxseg);
    }

    @Override public void congSignal(CcVars v, Signal type) {
        State s = (State) v.state();
        switch (type) {
            case DUPACK -> {
                if (!v.inFastRecovery) {
                    if (!v.inCongRecovery) reduce(s, v);
                    v.inFastRecovery = true;
                    v.inCongRecovery = true;
                }
            }
            case ECN -> {
                if (!v.inCongRecovery) {
                    reduce(s, v);
                    v.cwnd = v.ssthresh;
                    v.inCongRecovery = true;
                }
            }
            case RTO -> {
                if (v.rxtShift == 1) {
                    s.undo = s.e.copy();
                    // RFC 9438 4.8: ssthresh as on loss, from what was in flight (FreeBSD: whole segments).
                    long flight = Math.min(v.sndWnd, v.flight());
                    v.ssthresh = (int) Math.max(2, flight * BETA_NUM / BETA_DEN / v.maxseg) * v.maxseg;
                    s.e.cwndPrior = v.cwnd;
                }
                s.e.congEvent = true;
                s.rtoEvent = true;
                v.cwnd = v.maxseg;
            }
            case RTO_ERR -> {
                if (s.undo != null) s.e = s.undo;
                s.undo = null;
                s.rtoEvent = false;
            }
        }
    }

    /**
     * RFC 9438 4.6 and 4.7: the multiplicative decrease with fast convergence; the new epoch starts now with
     * cwnd_epoch = the reduced window that recovery will end at.
     */
    private static void reduce(State s, CcVars v) {
        long cwnd = v.cwnd;
        s.e.wMax = cwnd < s.e.wMax ? Math.round(cwnd * (1 + BETA) / 2) : cwnd;
        s.e.cwndPrior = cwnd;
        v.ssthresh = (int) Math.max(cwnd * BETA_NUM / BETA_DEN, 2L * v.maxseg);
        s.e.congEvent = true;
        s.inSlowStart = false;
        s.appLimited = false;
        s.e.tEpoch = v.nowNanos.getAsLong();
        s.e.cwndEpoch = v.ssthresh;
        s.e.wEst = v.ssthresh;
        s.e.k = k(s.e.wMax, s.e.cwndEpoch, v.maxseg);
    }

    @Override public void postRecovery(CcVars v) {
        // RFC 9438 4.6: cwnd = ssthresh, unless less is in flight (RFC 6582's guard against a burst).
        if (v.inFastRecovery) v.cwnd = NewReno.recoveryExitWindow(v, v.ssthresh);
    }

    @Override public void afterIdle(CcVars v) {
        State s = (State) v.state();
        s.e.wMax = Math.max(s.e.wMax, v.cwnd);
        NewReno.restartAfterIdle(v);
        startEpoch(s, v, v.nowNanos.getAsLong());
    }
}
