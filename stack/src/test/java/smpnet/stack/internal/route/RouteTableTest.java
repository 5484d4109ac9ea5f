package smpnet.stack.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import smpnet.locking.Mutex;
import smpnet.locking.RwLock;
import smpnet.stack.internal.wire.Ipv4Header;

class RouteTableTest {
    private static int ip(String s) { return Ipv4Header.parseAddress(s); }

    private final RouteTable<String> t = new RouteTable<>(new RwLock("rib"), () -> new Mutex("rtentry"));

    @Test void longestPrefixWins() {
        t.add(0, 0, ip("10.0.0.1"), "em0", 1500);
        t.add(ip("10.1.0.0"), 16, 0, "em1", 1500);
        t.add(ip("10.1.2.0"), 24, ip("10.1.0.254"), "em1", 1400);
        t.add(ip("10.1.2.3"), 32, 0, "lo0", 16384);
        assertEquals("0.0.0.0/0 via 10.0.0.1 dev em0", t.lookup(ip("8.8.8.8")).toString());
        assertEquals("10.1.0.0/16 link dev em1", t.lookup(ip("10.1.9.9")).toString());
        assertEquals("10.1.2.0/24 via 10.1.0.254 dev em1", t.lookup(ip("10.1.2.4")).toString());
        assertEquals("lo0", t.lookup(ip("10.1.2.3")).iface());
        assertEquals(ip("10.1.0.254"), t.lookup(ip("10.1.2.4")).nextHop(ip("10.1.2.4")));
        assertEquals(ip("10.1.9.9"), t.lookup(ip("10.1.9.9")).nextHop(ip("10.1.9.9")));
    }

    @Test void removeFallsBackToShorterPrefix() {
        t.add(ip("192.168.1.0"), 24, 0, "a", 1500);
        t.add(ip("192.168.0.0"), 16, 0, "b", 1500);
        assertTrue(t.remove(ip("192.168.1.77"), 24), "host bits ignored");
        assertFalse(t.remove(ip("192.168.1.0"), 24));
        assertEquals("b", t.lookup(ip("192.168.1.5")).iface());
        assertTrue(t.remove(ip("192.168.0.0"), 16));
        assertNull(t.lookup(ip("192.168.1.5")));
        assertEquals(0, t.routes().size());
    }

    @Test void routeCountsUsesAndOnlyLowersMtu() {
        Route<String> r = t.add(ip("10.0.0.0"), 8, 0, "em0", 1500);
        assertEquals(1500, r.use());
        r.lowerMtu(1400);
        r.lowerMtu(9000);
        assertEquals(1400, r.use());
        assertEquals(2, r.uses());
    }
}
