package smpnet.stack.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CountersTest {
    @Test void formatsLikeNetstat() {
        Counters<UdpStat> c = new Counters<>("udp", UdpStat.class);
        c.increment(UdpStat.RECEIVED);
        c.add(UdpStat.RECEIVED, 2);
        c.increment(UdpStat.NO_PORT);
        assertEquals(3, c.get(UdpStat.RECEIVED));
        assertEquals("RECEIVED=3 NO_PORT=1", c.nonZero());
        assertEquals("""
                udp:
                \t3 datagrams received
                \t0 with incomplete header
                \t0 with bad data length field
                \t0 with bad checksum
                \t0 with no checksum
                \t1 dropped due to no socket
                \t0 broadcast/multicast datagrams undelivered
                \t0 dropped due to full socket buffers
                \t0 delivered
                \t0 datagrams output
                \t0 datagrams not sent for lack of mbufs
                """, c.format());
        assertEquals(3L, c.snapshot().get(UdpStat.RECEIVED));
    }
}
