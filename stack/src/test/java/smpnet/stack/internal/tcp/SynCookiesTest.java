package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SynCookiesTest {
    private static final long S = 1_000_000_000L;
    private static final int L = 0x0a000002;
    private static final int F = 0x0a000001;
    private static final int IRS = 0x11223344;
    private final SynCookies cookies = new SynCookies(0x1111L, 0x2222L);

    private SynCookies.Decoded roundTrip(int mss, int wscale, boolean sack) {
        int iss = cookies.generate(L, 80, F, 40000, IRS, mss, wscale, sack, 5 * S);
        return cookies.validate(L, 80, F, 40000, IRS, iss, 5 * S);
    }

    @Test void restoresTheRoundedDownMssWscaleAndSack() {
        assertEquals(new SynCookies.Decoded(1460, 6, true), roundTrip(1460, 6, true));
        assertEquals(new SynCookies.Decoded(1440, 8, false), roundTrip(1448, 14, false));
        assertEquals(new SynCookies.Decoded(536, 0, true), roundTrip(1000, 0, true), "wscale 0 is present, not absent");
        assertEquals(new SynCookies.Decoded(216, -1, false), roundTrip(0, -1, false), "no MSS, no WSCALE");
        assertEquals(new SynCookies.Decoded(1452, 2, false), roundTrip(1459, 3, false));
        assertEquals(new SynCookies.Decoded(1460, 7, false), roundTrip(9000, 7, false));
    }

    @Test void theMssTable() {
        int[][] cases = {{100, 216}, {216, 216}, {535, 216}, {536, 536}, {1199, 536}, {1200, 1200}, {1360, 1360},
                {1400, 1400}, {1440, 1440}, {1452, 1452}, {1460, 1460}, {65535, 1460}};
        for (int[] c : cases) assertEquals(c[1], SynCookies.mssRoundedDown(c[0]), "mss " + c[0]);
    }

    @Test void everyCookieFieldSurvivesTheRoundTrip() {
        int[] msses = {216, 536, 1200, 1360, 1400, 1440, 1452, 1460};
        int[] shifts = {-1, 0, 1, 2, 4, 6, 7, 8};
        for (int mss : msses) {
            for (int ws : shifts) {
                for (boolean sack : new boolean[] {false, true}) {
                    assertEquals(new SynCookies.Decoded(mss, ws, sack), roundTrip(mss, ws, sack), mss + " " + ws + " " + sack);
                }
            }
        }
    }

    @Test void anyChangeToTheConnectionOrTheCookieIsRefused() {
        int iss = cookies.generate(L, 80, F, 40000, IRS, 1460, 6, true, 5 * S);
        assertNotNull(cookies.validate(L, 80, F, 40000, IRS, iss, 5 * S));
        assertNull(cookies.validate(L + 1, 80, F, 40000, IRS, iss, 5 * S));
        assertNull(cookies.validate(L, 81, F, 40000, IRS, iss, 5 * S));
        assertNull(cookies.validate(L, 80, F + 1, 40000, IRS, iss, 5 * S));
        assertNull(cookies.validate(L, 80, F, 40001, IRS, iss, 5 * S));
        assertNull(cookies.validate(L, 80, F, 40000, IRS + 1, iss, 5 * S), "another peer ISN");
        for (int bit = 0; bit < 32; bit++) {
            assertNull(cookies.validate(L, 80, F, 40000, IRS, iss ^ (1 << bit), 5 * S), "bit " + bit + " flipped");
        }
        assertNull(new SynCookies(0x1111L, 0x2223L).validate(L, 80, F, 40000, IRS, iss, 5 * S), "another host's secret");
    }

    @Test void validForItsLifetimeAndTheNextOnly() {
        // Made 1 s into lifetime 0 [0, 15 s): valid through lifetime 1 [15 s, 30 s), refused from 30 s.
        int iss = cookies.generate(L, 80, F, 40000, IRS, 1460, 6, true, S);
        assertNotNull(cookies.validate(L, 80, F, 40000, IRS, iss, S));
        assertNotNull(cookies.validate(L, 80, F, 40000, IRS, iss, 15 * S - 1));
        assertNotNull(cookies.validate(L, 80, F, 40000, IRS, iss, 15 * S));
        assertNotNull(cookies.validate(L, 80, F, 40000, IRS, iss, 30 * S - 1));
        assertNull(cookies.validate(L, 80, F, 40000, IRS, iss, 30 * S));
        assertNull(cookies.validate(L, 80, F, 40000, IRS, iss, 45 * S - 1), "same parity, another secret");
    }

    @Test void theCookieBitsDoNotShowOnTheWire() {
        // Peers differing only in port get ISNs whose low byte (the cookie XOR the hash's top byte) varies.
        java.util.Set<Integer> low = new java.util.HashSet<>();
        for (int port = 1000; port < 1200; port++) low.add(cookies.generate(L, 80, F, port, IRS, 1460, 6, true, S) & 0xff);
        org.junit.jupiter.api.Assertions.assertTrue(low.size() > 100, "low bytes seen: " + low.size());
    }
}
