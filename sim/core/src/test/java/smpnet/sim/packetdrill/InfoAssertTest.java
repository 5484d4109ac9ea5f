package smpnet.sim.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpState;

/** The asserts of %{ }% blocks: Python's operators as scripts use them, on a TcpInfo. */
class InfoAssertTest {
    private static final TcpInfo INFO = new TcpInfo(TcpState.ESTABLISHED, TcpInfo.OPT_SACK | TcpInfo.OPT_WSCALE, 7, 6,
            1_200_000, 100_000, 50_000, 1 << 30, 14600, 65535, 65536, 1460, 536, 1001, 901, 2001, 2, 5, "cubic");

    @Test
    void trueAssertsPass() {
        assertNull(InfoAssert.check("""
                assert tcpi_state == TCPI_ESTABLISHED
                assert tcpi_state == TCPS_ESTABLISHED == 4; assert tcpi_snd_cwnd == 10 * 1460
                assert tcpi_options & TCPI_OPT_SACK and not tcpi_options & TCPI_OPT_TIMESTAMPS
                assert tcpi_options == TCPI_OPT_SACK | TCPI_OPT_WSCALE
                assert 100000 <= tcpi_rtt < tcpi_rto, tcpi_rtt
                assert tcpi_snd_nxt - tcpi_snd_una == 100 and tcpi_rcv_nxt // 1000 == 2 and tcpi_rcv_nxt % 1000 == 1
                assert (tcpi_retransmits == 2 or False) and tcpi_total_retrans == tcpi_snd_rexmitpack == 5
                assert -tcpi_snd_wscale + 7 == 0 and tcpi_rcv_wscale != 7 and tcpi_snd_mss >= tcpi_rcv_mss > 0
                print(tcpi_state)
                """, INFO));
    }

    @Test
    void aFalseAssertNamesItsValues() {
        assertEquals("assert tcpi_snd_cwnd == 2 * tcpi_snd_mss is false (tcpi_snd_cwnd = 14600, tcpi_snd_mss = 1460)",
                InfoAssert.check("assert tcpi_state == TCPI_ESTABLISHED\nassert tcpi_snd_cwnd == 2 * tcpi_snd_mss", INFO));
        assertEquals("assert 1 > 2 is false", InfoAssert.check("assert 1 > 2", INFO));
    }

    @Test
    void whatIsNotAnAssertIsAnError() {
        assertEquals("only 'assert EXPR' statements are supported in %{ }%, found 'x = 1'",
                assertThrows(IllegalArgumentException.class, () -> InfoAssert.check("x = 1", INFO)).getMessage());
        assertEquals("unknown name 'tcpi_nope' in an assert (known: tcpi_state, tcpi_options, tcpi_snd_wscale, tcpi_rcv_wscale, "
                + "tcpi_rto, tcpi_rtt, tcpi_rttvar, tcpi_snd_ssthresh, tcpi_snd_cwnd, tcpi_snd_wnd, tcpi_rcv_space, tcpi_snd_mss, "
                + "tcpi_rcv_mss, tcpi_snd_nxt, tcpi_snd_una, tcpi_rcv_nxt, tcpi_retransmits, tcpi_total_retrans, "
                + "tcpi_snd_rexmitpack, TCPI_<state>, TCPI_OPT_*)",
                assertThrows(IllegalArgumentException.class, () -> InfoAssert.check("assert tcpi_nope == 1", INFO)).getMessage());
        assertEquals("no connection to read tcpi_state from",
                assertThrows(IllegalArgumentException.class, () -> InfoAssert.check("assert tcpi_state == 4", null)).getMessage());
        assertEquals("cannot read '1 == 1 2' past '2'",
                assertThrows(IllegalArgumentException.class, () -> InfoAssert.check("assert 1 == 1 2", INFO)).getMessage());
        assertEquals("division by zero in an assert",
                assertThrows(IllegalArgumentException.class, () -> InfoAssert.check("assert 1 // 0", INFO)).getMessage());
    }
}
