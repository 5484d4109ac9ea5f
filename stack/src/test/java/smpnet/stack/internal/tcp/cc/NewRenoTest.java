package smpnet.stack.internal.tcp.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.stack.internal.tcp.cc.CcAlgorithm.AckType;
import smpnet.stack.internal.tcp.cc.CcAlgorithm.Signal;

/** NewReno's windows after given ACK sequences, against RFC 5681 / 3465 / 6582 as FreeBSD applies them (SMSS 1000). */
class NewRenoTest {
    private static final int MSS = 1000;

    /** A connection with the initial window (10 segments), a wide peer window and nothing in flight. */
    private static CongestionControl reno() {
        CcVars v = new CcVars(MSS, () -> 0L);
        v.sndWnd = 1_000_000;
        v.sndUna = 5000;
        v.sndNxt = 5000;
        v.sndMax = 5000;
        return new CongestionControl(NewReno.INSTANCE, v);
    }

    @Test void initialWindowFollowsRfc6928AndRfc3390() {
        assertEquals(14600, CcAlgorithms.initialWindow(1460, 10));
        assertEquals(10000, CcAlgorithms.initialWindow(1000, 10));
        assertEquals(5360, CcAlgorithms.initialWindow(536, 10));
        assertEquals(18000, CcAlgorithms.initialWindow(9000, 10), "max(2·mss, 14600) when 10·mss is larger");
        assertEquals(5840, CcAlgorithms.initialWindow(1460, 4));
        assertEquals(4380, CcAlgorithms.initialWindow(1460, 0));
        assertEquals(4000, CcAlgorithms.initialWindow(1000, 0));
        assertEquals(6000, CcAlgorithms.initialWindow(3000, 0));
        assertThrows(IllegalArgumentException.class, () -> CcAlgorithms.initialWindow(0, 10));
        assertThrows(IllegalArgumentException.class, () -> CcAlgorithms.initialWindow(1460, -1));
        assertEquals(10000, reno().vars().cwnd);
    }

    @Test void algorithmsByName() {
        assertSame(NewReno.INSTANCE, CcAlgorithms.byName("newreno"));
        assertSame(Cubic.INSTANCE, CcAlgorithms.byName("cubic"));
        assertSame(Cubic.INSTANCE, CcAlgorithms.byName(CcAlgorithms.DEFAULT));
        assertEquals(List.of("newreno", "cubic"), CcAlgorithms.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CcAlgorithms.byName("reno"));
        assertEquals("unknown congestion control algorithm \"reno\" (available: newreno, cubic)", e.getMessage());
    }

    @Test void slowStartCountsBytesUpToTwoSegmentsPerAck() {
        CongestionControl cc = reno();
        CcVars v = cc.vars();
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(11000, v.cwnd);
        cc.ackReceived(2000, AckType.ACK);
        assertEquals(13000, v.cwnd);
        cc.ackReceived(5000, AckType.ACK);
        assertEquals(15000, v.cwnd, "a stretch ACK grows cwnd by L = 2·SMSS at most");
        v.nsegs = 2;
        cc.ackReceived(5000, AckType.ACK);
        assertEquals(19000, v.cwnd, "an aggregate of 2 segments: 2·2·SMSS");
        v.nsegs = 1;
        cc.ackReceived(0, AckType.DUPACK);
        assertEquals(19000, v.cwnd, "a duplicate ACK does not grow it");
        v.sndNxt = v.sndMax - 3000; // slow start after an RTO: one SMSS per ACK at most
        cc.ackReceived(3000, AckType.ACK);
        assertEquals(20000, v.cwnd);
        v.sndNxt = v.sndMax;
        v.sndWnd = 15000; // the peer's window, not cwnd, limits sending
        cc.ackReceived(2000, AckType.ACK);
        assertEquals(20000, v.cwnd);
        assertFalse(v.cwndLimited);
    }

    @Test void congestionAvoidanceAddsOneSegmentPerWindowAcked() {
        CongestionControl cc = reno();
        CcVars v = cc.vars();
        v.ssthresh = 10000;
        v.cwnd = 12000;
        for (int i = 0; i < 11; i++) cc.ackReceived(1000, AckType.ACK);
        assertEquals(12000, v.cwnd);
        assertEquals(11000, v.bytesAcked);
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(13000, v.cwnd);
        assertEquals(0, v.bytesAcked);
        cc.ackReceived(5000, AckType.ACK);
        assertEquals(2000, v.bytesAcked, "ABC counts at most L·SMSS per ACK");
        v.sndScale = 0;
        v.cwnd = 65000;
        v.bytesAcked = 64999;
        cc.ackReceived(1000, AckType.ACK);
        assertEquals(65535, v.cwnd, "capped at TCP_MAXWIN << snd_scale");
    }

    /** cwnd 13000, 50000 sent, then the third duplicate ACK. */
    private static CongestionControl inFastRecovery() {
        CongestionControl cc = reno();
        CcVars v = cc.vars();
        v.ssthresh = 10000;
        v.cwnd = 13000;
        v.sndUna = 20000;
        v.sndMax = 50000;
        v.sndNxt = 50000;
        v.recover = 5000;
        assertTrue(cc.mayFastRetransmit(20000));
        cc.enterFastRecovery(3);
        return cc;
    }

    @Test void fastRecoveryInflatesAndPartialAcksDeflate() {
        CongestionControl cc = inFastRecovery();
        CcVars v = cc.vars();
        assertEquals(6000, v.ssthresh, "max(cwnd/2 in whole segments, 2·SMSS)");
        assertEquals(50000, v.recover);
        assertEquals(9000, v.cwnd, "ssthresh + 3·SMSS");
        assertTrue(v.inFastRecovery);
        cc.dupAckInRecovery();
        cc.dupAckInRecovery();
        assertEquals(11000, v.cwnd);
        cc.ackReceived(4000, AckType.ACK);
        assertEquals(11000, v.cwnd, "no growth in recovery");
        assertTrue(cc.isPartialAck(24000));
        cc.partialAck(4000);
        assertEquals(8000, v.cwnd, "deflated by the 4000 bytes ACKed, one SMSS added back");
        assertFalse(cc.mayFastRetransmit(50000), "duplicates at or below recover do not start another recovery");
        assertTrue(cc.mayFastRetransmit(50001));
        assertFalse(cc.isPartialAck(50000));
        // Full ACK with 10000 bytes of new data sent during recovery: cwnd = ssthresh.
        v.sndUna = 50000;
        v.sndMax = 60000;
        cc.postRecovery();
        assertEquals(6000, v.cwnd);
        assertFalse(v.inRecovery());
        cc.congSignal(Signal.DUPACK);
        assertEquals(3000, v.ssthresh, "a new loss after recovery halves again");
    }

    @Test void fullAckWithLittleInFlightAvoidsABurst() {
        CongestionControl cc = inFastRecovery();
        CcVars v = cc.vars();
        v.sndUna = 50000; // everything ACKed: flight 0 < ssthresh
        cc.postRecovery();
        assertEquals(2000, v.cwnd, "max(flight, SMSS) + SMSS");
        v.pipe = 4500; // the SACK pipe when known
        v.inFastRecovery = true;
        cc.postRecovery();
        assertEquals(5500, v.cwnd);
    }

    @Test void timeoutCollapsesTheWindowAndASpuriousOneIsUndone() {
        CongestionControl cc = reno();
        CcVars v = cc.vars();
        v.cwnd = 20000;
        v.ssthresh = 30000;
        v.sndWnd = 30000;
        v.sndMax = 25000;
        v.rxtShift = 1;
        cc.congSignal(Signal.RTO);
        assertEquals(10000, v.ssthresh, "max(min(wnd, cwnd)/2, 2·SMSS)");
        assertEquals(1000, v.cwnd);
        assertEquals(25000, v.recover);
        cc.congSignal(Signal.RTO_ERR);
        assertEquals(20000, v.cwnd);
        assertEquals(30000, v.ssthresh);
        v.sndWnd = 3000;
        cc.congSignal(Signal.RTO);
        assertEquals(2000, v.ssthresh, "never below 2·SMSS");
    }

    @Test void ecnReducesOncePerRecovery() {
        CongestionControl cc = reno();
        CcVars v = cc.vars();
        v.cwnd = 13000;
        cc.congSignal(Signal.ECN);
        assertEquals(6000, v.cwnd);
        assertEquals(6000, v.ssthresh);
        assertTrue(v.inCongRecovery);
        assertFalse(v.inFastRecovery);
        cc.congSignal(Signal.ECN);
        assertEquals(6000, v.cwnd);
    }

    @Test void afterIdleRestartsFromTheInitialWindow() {
        CongestionControl cc = reno();
        CcVars v = cc.vars();
        v.cwnd = 40000;
        v.ssthresh = 20000;
        cc.afterIdle();
        assertEquals(10000, v.cwnd);
        assertEquals(30000, v.ssthresh, "RFC 2861: at least 3/4 of the old cwnd");
        cc.afterIdle();
        assertEquals(10000, v.cwnd, "a window below the restart window stays");
    }
}
