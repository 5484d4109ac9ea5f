package smpnet.stack.internal.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;

/**
 * The urgent pointer is written into a built segment with an incremental checksum update (RFC 1624): the
 * field holds the pointer, and the checksum is the one computed over the whole segment from scratch, for
 * pointers across the range (0xFFFF included) and payloads whose sums fold differently.
 */
class TcpUrgentPointerTest {
    private static final int SRC = 0xC0A8_0001;
    private static final int DST = 0xC000_0201;

    @Test
    void theChecksumIsTheFullOneAfterThePointerIsSet() {
        Tcp tcp = new TcpFixture(LockMode.FINE).tcp();
        SplittableRandom r = new SplittableRandom(6093);
        int[] pointers = {1, 2, 0x7FFF, 0xFFFE, 0xFFFF};
        for (int i = 0; i < 200; i++) {
            int urp = i < pointers.length ? pointers[i] : 1 + r.nextInt(0xFFFF);
            byte[] data = new byte[r.nextInt(40)];
            r.nextBytes(data);
            Mbuf m = tcp.segments.build(SRC, DST, 8080, 48000, r.nextInt(), r.nextInt(), TcpHeader.URG | TcpHeader.ACK,
                    r.nextInt(0x10000), null, data, 0, data.length);
            try {
                TcpSegmentBuilder.setUrgentPointer(m, urp);
                assertEquals(urp, m.getU16(18), "urgent pointer field");
                int patched = m.getU16(16);
                m.putU16(16, 0);
                int full = ChainChecksum.withPseudoHeader(m, 0, m.pktLen(), SRC, DST, Ipv4Header.PROTO_TCP);
                assertEquals(full, patched, "checksum after the pointer " + urp + " on " + data.length + " bytes");
            } finally {
                m.freeChain();
            }
        }
    }
}
