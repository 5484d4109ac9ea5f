package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.MacAddress;

/** The Toeplitz hash against the verification vectors Microsoft publishes for RSS (IPv4, with and without ports). */
@ExtendWith(WitnessExtension.class)
class RssHashTest {
    private final RssHash rss = new RssHash(RssHash.MICROSOFT_KEY, 4);

    private int ip(String s) { return IfAddress.parseIpv4(s); }

    @Test
    void microsoftVectorsTwoTuple() {
        assertEquals(0x323e8fc2, rss.hashIpv4(ip("66.9.149.187"), ip("161.142.100.80")));
        assertEquals(0xd718262a, rss.hashIpv4(ip("199.92.111.2"), ip("65.69.140.83")));
        assertEquals(0xd2d0a5de, rss.hashIpv4(ip("24.19.198.95"), ip("12.22.207.184")));
        assertEquals(0x82989176, rss.hashIpv4(ip("38.27.205.30"), ip("209.142.163.6")));
        assertEquals(0x5d1809c5, rss.hashIpv4(ip("153.39.163.191"), ip("202.188.127.2")));
    }

    @Test
    void microsoftVectorsFourTuple() {
        assertEquals(0x51ccc178, rss.hashIpv4(ip("66.9.149.187"), ip("161.142.100.80"), 2794, 1766));
        assertEquals(0xc626b0ea, rss.hashIpv4(ip("199.92.111.2"), ip("65.69.140.83"), 14230, 4739));
        assertEquals(0x5c2b394a, rss.hashIpv4(ip("24.19.198.95"), ip("12.22.207.184"), 12898, 38024));
        assertEquals(0xafc7327f, rss.hashIpv4(ip("38.27.205.30"), ip("209.142.163.6"), 48228, 2217));
        assertEquals(0x10e828a2, rss.hashIpv4(ip("153.39.163.191"), ip("202.188.127.2"), 44251, 1303));
    }

    /** The per-byte table the tuple hashes use gives what the bit-by-bit hash gives, for any key and tuple. */
    @Test
    void tupleHashesEqualTheBitByBitHashOfTheirBytes() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1624);
        for (int k = 0; k < 20; k++) {
            byte[] key = new byte[k == 0 ? 16 : 40];
            rnd.nextBytes(key);
            RssHash h = new RssHash(key, 4);
            for (int n = 0; n < 200; n++) {
                int src = rnd.nextInt();
                int dst = rnd.nextInt();
                int sport = rnd.nextInt(65536);
                int dport = rnd.nextInt(65536);
                byte[] b = new byte[12];
                RssHash.putInt(b, 0, src);
                RssHash.putInt(b, 4, dst);
                RssHash.putInt(b, 8, sport << 16 | dport);
                assertEquals(h.toeplitz(b, 0, 8), h.hashIpv4(src, dst));
                assertEquals(h.toeplitz(b, 0, 12), h.hashIpv4(src, dst, sport, dport));
            }
        }
    }

    @Test
    void frameHashUsesPortsForUdpAndAddressesForOthers() {
        byte[] udp = LoadFrames.udp(MacAddress.local(1), MacAddress.local(2), ip("66.9.149.187"),
                ip("161.142.100.80"), 2794, 1766, new byte[8]);
        assertEquals(0x51ccc178, rss.hashFrame(udp, udp.length));
        byte[] icmp = udp.clone();
        icmp[14 + 9] = 1;
        assertEquals(0x323e8fc2, rss.hashFrame(icmp, icmp.length));
        byte[] fragment = udp.clone();
        fragment[14 + 6] = 0x20; // more fragments: ports are not in every fragment, so only addresses count
        assertEquals(0x323e8fc2, rss.hashFrame(fragment, fragment.length));
        byte[] arp = udp.clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(0, rss.hashFrame(arp, arp.length));
        assertEquals(0, rss.hashFrame(udp, 20));
    }

    @Test
    void indirectionTableSpreadsLowBitsOverQueues() {
        assertEquals(0, rss.queueOf(0));
        assertEquals(3, rss.queueOf(3));
        assertEquals(1, rss.queueOf(0x51ccc178 & ~0x7f | 5));
        assertEquals(2, rss.queueOf(0xffffff00 | 0x7e));
    }
}
