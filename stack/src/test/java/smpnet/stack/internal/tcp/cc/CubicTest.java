package smpnet.stack.internal.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import smpnet.stack.internal.tcp.cc.CcAlgorithm.AckType;
import smpnet.stack.internal.tcp.cc.CcAlgorithm.Signal;

/**
 * CUBIC's window after given ACK sequences, checked against RFC 9438's formulas worked by hand (SMSS 1000,
 * windows in bytes). The loss at 36 segments is chosen so that K = ∛((36 - 25.2)/0.4) = 3 s exactly.
 */
class CubicTest {
    private static final int MSS = 1000;
    private static final long SECOND = 1_000_000_000L;
    private static final double ALPHA = 0.9 / 1.7;
    private long now;

    private CongestionControl cubic(int cwnd, int ssthresh) {
        CcVars v = new CcVars(MSS, () -> now);
        v.sndWnd = 10_000_000;
        v.cwnd = cwnd;
        v.ssthresh = ssthresh;
        v.sndUna = 100_000;
        v.sndNxt = 136_000;
        v.sndMax = 136_000;
        return new CongestionControl(Cubic.INSTANCE, v);
    }

    private static Cubic.State state(CongestionControl cc) { return (Cubic.State) cc.vars().state(); }

    /** Loss at cwnd 36000 at time 0, recovery ends with 25200 in flight. */
    private CongestionControl afterLoss() {
        CongestionControl cc = cubic(36000, 20000);
        CcVars v = cc.vars();
        cc.enterFastRecovery(3);
        Cubic.State s = state(cc);
        assertEquals(36000, s.wMax());
        assertEquals(36000, s.cwndPrior());
        assertEquals(25200, v.ssthresh, "β = 0.7");
        assertEquals(25200, s.cwndEpoch());
        assertEquals(3.0, s.k(), 1e-12);
        assertEquals(28200, v.cwnd, "ssthresh + 3·SMSS while recovering");
        v.sndUna = 110_800;
        cc.postRecovery();
        assertEquals(25200, v.cwnd);
        return cc;
    }

    @Test void cubicFunctionMatchesFigureOne() {
        Cubic.State s = state(afterLoss());
        assertEquals(25200, Cubic.wCubic(0, s, MSS), "W_cubic(0) = cwnd_epoch");
        assertEquals(32800, Cubic.wCubic(1, s, MSS), "0.4·(1-3)³·1000 + 36000");
        assertEquals(36000, Cubic.wCubic(3, s, MSS), "W_cubic(K) = W_max");
        assertEquals(36400, Cubic.wCubic(4, s, MSS));
        assertEquals(39200, Cubic.wCubic(5, s, MSS));
        assertEquals(0, Cubic.k(10_000, 12_000, MSS), "K = 0 when W_max ≤ cwnd_epoch");
    }

    @Test void renoFriendlyRegionRightAfterTheLoss() {
        CongestionControl cc = afterLoss();
        CcVars v = cc.vars();
        // t = 0: W_cubic(0) = 25200 < W_est = 25200 + α·1000·1000/25200.
        cc.ackReceived(1000, AckType.ACK);
        double west = 25200 + ALPHA * 1000 * 1000 / 25200;
        assertEquals(west, state(cc).wEst(), 1e-9);
        assertEquals(25221, v.cwnd);
        cc.ackReceived(1000, AckType.ACK);
        west += ALPHA * 1000 * 1000 / 25221;
        assertEquals(Math.round(west), v.cwnd);
        assertEquals(25242, v.cwnd);
    }

    @Test void concaveThenConvexGrowthTowardsTheCubicTarget() {
        CongestionControl cc = afterLoss();
        CcVars v = cc.vars();
        now = SECOND; // t = 1: W_cubic = 32800 above W_est; target 32800
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(25200 + (32800 - 25200) * 1000 / 25200, v.cwnd);
        assertEquals(25501, v.cwnd);
        now = 3 * SECOND; // t = K: target W_max
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(25501 + (36000 - 25501) * 1000 / 25501, v.cwnd);
        assertEquals(25912, v.cwnd);
        now = 10 * SECOND; // W_cubic(10) = 173200: the target is capped at 1.5·cwnd
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(25912 + 500, v.cwnd);
    }

    @Test void targetLooksOneRttAhead() {
        CongestionControl cc = afterLoss();
        CcVars v = cc.vars();
        v.srttNanos = SECOND / 2;
        now = SECOND / 2; // t = 0.5, target W_cubic(1) = 32800; W_cubic(0.5) = 29750 above W_est
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(25501, v.cwnd);
    }

    @Test void fastConvergenceLowersWmaxWhenTheWindowShrinks() {
        CongestionControl cc = afterLoss();
        CcVars v = cc.vars();
        v.cwnd = 30000;
        now = 7 * SECOND;
        cc.enterFastRecovery(3);
        Cubic.State s = state(cc);
        assertEquals(25500, s.wMax(), "30000·(1+0.7)/2");
        assertEquals(30000, s.cwndPrior());
        assertEquals(21000, v.ssthresh);
        assertEquals(Math.cbrt(11.25), s.k(), 1e-12, "∛((25.5 - 21)/0.4)");
        assertEquals(7 * SECOND, s.tEpoch());
    }

    @Test void slowStartEndingWithoutLossStartsConvexWithAlphaOne() {
        CongestionControl cc = cubic(10000, 12000);
        CcVars v = cc.vars();
        cc.ackReceived(2000, AckType.ACK);
        assertEquals(12000, v.cwnd, "slow start while cwnd < ssthresh");
        now = 2 * SECOND; // first ACK in congestion avoidance: W_max = cwnd_prior = 12000, K = 0
        cc.ackReceived(1000, AckType.ACK);
        Cubic.State s = state(cc);
        assertEquals(12000, s.wMax());
        assertEquals(0.0, s.k());
        assertEquals(12000 + 1000.0 * 1000 / 12000, s.wEst(), 1e-9, "α = 1 once W_est ≥ cwnd_prior");
        assertEquals(12083, v.cwnd, "Reno-friendly at t = 0");
        now = 3 * SECOND; // t = 1: W_cubic = 12400 above W_est = 12166.1
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(12083 + (12400 - 12083) * 1000 / 12083, v.cwnd);
        assertEquals(12109, v.cwnd);
    }

    @Test void timeoutReducesAndTheNextEpochStartsAtTheWindowReached() {
        CongestionControl cc = cubic(30000, 20000);
        CcVars v = cc.vars();
        v.sndUna = 100_000;
        v.sndMax = 130_000;
        v.sndNxt = 130_000;
        v.rxtShift = 1;
        cc.congSignal(Signal.RTO);
        assertEquals(1000, v.cwnd);
        assertEquals(21000, v.ssthresh, "0.7 of the 30000 in flight, whole segments");
        for (int i = 0; i < 10; i++) cc.ackReceived(2000, AckType.ACK);
        assertEquals(21000, v.cwnd);
        now = 5 * SECOND;
        cc.ackReceived(2000, AckType.ACK);
        Cubic.State s = state(cc);
        assertEquals(21000, s.wMax(), "RFC 9438 4.8: W_max = cwnd at the start of congestion avoidance");
        assertEquals(0.0, s.k());
        assertEquals(5 * SECOND, s.tEpoch());
        assertEquals(21050, v.cwnd, "W_est = 21000 + α·1000·2000/21000 (cwnd_prior 30000 keeps α < 1)");
    }

    @Test void spuriousTimeoutIsUndone() {
        CongestionControl cc = afterLoss();
        CcVars v = cc.vars();
        v.rxtShift = 1;
        now = 4 * SECOND;
        cc.congSignal(Signal.RTO);
        assertEquals(1000, v.cwnd);
        cc.congSignal(Signal.RTO_ERR);
        Cubic.State s = state(cc);
        assertEquals(25200, v.cwnd);
        assertEquals(25200, v.ssthresh);
        assertEquals(36000, s.wMax());
        assertEquals(3.0, s.k(), 1e-12);
        assertEquals(0, s.tEpoch());
        now = 5 * SECOND; // the old epoch continues: W_cubic(5) = 39200, capped at 1.5·cwnd = 37800
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(25200 + 12600 * 1000 / 25200, v.cwnd);
    }

    @Test void applicationLimitedPeriodRestartsTheEpoch() {
        CongestionControl cc = afterLoss();
        CcVars v = cc.vars();
        v.sndWnd = 20000; // the peer's window limits: not cwnd-limited
        now = 2 * SECOND;
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(25200, v.cwnd);
        v.sndWnd = 10_000_000;
        now = 6 * SECOND;
        cc.ackReceived(1000, AckType.ACK);
        Cubic.State s = state(cc);
        assertEquals(6 * SECOND, s.tEpoch());
        assertEquals(25200, s.cwndEpoch());
        assertEquals(3.0, s.k(), 1e-12, "K from W_max and the window when sending resumed");
        assertEquals(25221, v.cwnd, "t = 0 again: Reno-friendly");
    }

    @Test void afterIdleRestartsWindowAndEpoch() {
        CongestionControl cc = afterLoss();
        CcVars v = cc.vars();
        v.cwnd = 40000;
        now = 9 * SECOND;
        cc.afterIdle();
        Cubic.State s = state(cc);
        assertEquals(40000, s.wMax());
        assertEquals(10000, v.cwnd);
        assertEquals(30000, v.ssthresh);
        assertEquals(9 * SECOND, s.tEpoch());
        assertEquals(Math.cbrt(75), s.k(), 1e-12);
    }

    @Test void ecnReducesLikeALossAndSetsCwnd() {
        CongestionControl cc = cubic(36000, 20000);
        CcVars v = cc.vars();
        cc.congSignal(Signal.ECN);
        assertEquals(25200, v.cwnd);
        assertEquals(25200, v.ssthresh);
        assertTrue(v.inCongRecovery);
        assertEquals(3.0, state(cc).k(), 1e-12);
    }
}
