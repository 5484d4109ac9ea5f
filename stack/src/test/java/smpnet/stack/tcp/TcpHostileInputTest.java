package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.testing.Frames;
import smpnet.witness.junit.WitnessExtension;

/**
 * Malformed TCP headers are counted under FreeBSD's tcpstat names and dropped, in every mode: too short, a
 * data offset below 5 or beyond the segment, a bad checksum. A header whose options overrun it is parsed as
 * far as it goes (FreeBSD's tcp_dooptions stops there) and the segment handled: here a SYN to a closed port,
 * answered by a RST. Every frame has exactly one outcome, and nothing escapes a worker.
 */
@ExtendWith(WitnessExtension.class)
class TcpHostileInputTest {
    private static final int PEER = Ipv4Header.parseAddress("10.0.0.9");
    private static final int US = Ipv4Header.parseAddress("10.0.0.1");

    /** A TCP header (and payload) with data offset {@code off} words and a correct checksum unless {@code badSum}. */
    static byte[] tcp(int off, int flags, byte[] optionsAndData, int totalLen, boolean badSum) {
        if (totalLen < 20) return java.util.Arrays.copyOf(tcp(off, flags, optionsAndData, 20, badSum), totalLen);
        byte[] t = new byte[totalLen];
        MemorySegment s = MemorySegment.ofArray(t);
        t[0] = (byte) (40000 >> 8);
        t[1] = (byte) (40000 & 0xff);
        t[3] = 80;
        t[7] = 1; // seq 1
        t[12] = (byte) (off << 4);
        t[13] = (byte) flags;
        t[14] = (byte) 0xff;
        t[15] = (byte) 0xff;
        if (totalLen > 20) System.arraycopy(optionsAndData, 0, t, 20, Math.min(optionsAndData.length, totalLen - 20));
        int sum = new Checksum().addPseudoHeader(PEER, US, Ipv4Header.PROTO_TCP, t.length).add(s, 0, t.length).finish();
        if (badSum) sum ^= 0x5555;
        if (totalLen >= 18) {
            t[16] = (byte) (sum >> 8);
            t[17] = (byte) sum;
        }
        return t;
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void malformedHeadersAreCountedAndDropped(LockMode mode) {
        Stack h = Stack.create(StackConfig.defaults("h").withMode(mode));
        try {
            SimNic nic = h.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
            h.start();
            byte[][] segments = {
                tcp(5, 0x10, new byte[0], 10, false),                                  // too short
                tcp(4, 0x10, new byte[0], 20, false),                                  // offset below 5
                tcp(15, 0x10, new byte[0], 24, false),                                 // offset beyond the segment
                tcp(5, 0x10, new byte[0], 20, true),                                   // bad checksum
                tcp(6, 0x02, new byte[] {2, 10, 5, (byte) 0xb4}, 24, false),           // MSS option overrunning
                tcp(5, 0x02, new byte[0], 20, false),                                  // a plain SYN, closed port
            };
            for (byte[] seg : segments) {
                byte[] ip = Frames.ipv4(PEER, US, Ipv4Header.PROTO_TCP, 64, 0, 7, seg);
                byte[] f = Frames.ether(nic.mac().bits(), 0x020000000099L, EthernetHeader.TYPE_IPV4, ip);
                assertTrue(nic.receive(h.allocator().fromBytes(f, 0, f.length, Mbuf.M_WAIT)));
            }
            for (int i = 0; i < 3; i++) h.quiesce();
            assertEquals(6, h.tcpStats().get(TcpStat.RCVTOTAL));
            assertEquals(1, h.tcpStats().get(TcpStat.RCVSHORT));
            assertEquals(2, h.tcpStats().get(TcpStat.RCVBADOFF));
            assertEquals(1, h.tcpStats().get(TcpStat.RCVBADSUM));
            assertEquals(2, h.tcpStats().get(TcpStat.SNDCTRL), "a RST for each SYN to the closed port");
            Stack.InputOutcomes o = h.inputOutcomes();
            assertTrue(o.balanced(), o.toString());
        } finally {
            h.close();
        }
    }
}
