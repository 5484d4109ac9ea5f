package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.internal.netisr.NetisrProtocol;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.testing.Frames;
import smpnet.witness.junit.WitnessExtension;

/**
 * Large receive offload on crafted frames, put on a NIC's RX ring before the host starts so that its
 * ithread takes them in one batch: what IP input then receives, in order (a {@link PacketProbe} at protocol
 * input), and what LRO, IP and TCP count. Segments go to a closed port: TCP counts them (and answers with
 * resets nobody hears), which is all these tests need.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class LroFramesTest {
    private static final int PEER = 0x0a000001;
    private static final int US = 0x0a000002;
    private static final int SEQ = 1_000_000;
    private static final int ACK_FLAGS = TcpHeader.ACK;

    /** What IP input received, one line a packet: "tcp +off len n" (sequence offset, data bytes, lro_nsegs). */
    private static List<String> run(LockMode mode, List<byte[]> ipPackets, Check check) throws Exception {
        return run(mode, NicConfig.of(1), ipPackets, check);
    }

    private static List<String> run(LockMode mode, NicConfig config, List<byte[]> ipPackets, Check check)
            throws Exception {
        List<String> delivered = new ArrayList<>();
        try (Hosts h = new Hosts()) {
            Stack host = h.host("rx", mode);
            SimNic nic = host.addNic("em0", "10.0.0.2/24", config.withLro(true));
            for (byte[] p : ipPackets) {
                byte[] f = Frames.pad(Frames.ether(nic.mac().bits(), 0x020000000099L, EthernetHeader.TYPE_IPV4, p), 60);
                assertTrue(nic.receiveOnQueue(0, host.allocator().fromBytes(f, 0, f.length, Mbuf.M_WAIT)));
            }
            PacketProbe.install((hop, packet, where) -> {
                if (hop == PacketProbe.Hop.PROTOCOL_INPUT && where == NetisrProtocol.IP) {
                    String line = describe((Mbuf) packet);
                    synchronized (delivered) {
                        delivered.add(line);
                    }
                }
            });
            try {
                h.start();
                nic.awaitReceived();
                h.settle();
            } finally {
                PacketProbe.install(null);
            }
            check.run(host, nic);
        }
        return delivered;
    }

    private interface Check { void run(Stack host, SimNic nic); }

    private static String describe(Mbuf m) {
        if (m.getU8(9) != 6) return "proto " + m.getU8(9);
        int thLen = (m.getU8(32) >>> 4) * 4;
        String ts = thLen == 32 ? " ts " + m.getU32(44) : "";
        String port = m.getU16(20) == 40000 ? "" : " from " + m.getU16(20);
        return "tcp +" + (m.getU32(24) - SEQ) + " len " + (m.getU16(2) - 20 - thLen) + " n " + m.pkthdr().lroNsegs()
                + ts + port;
    }

    private static byte[] segment(int off, int len, byte[] opts) { return segment(40000, off, len, opts); }

    private static byte[] segment(int sport, int off, int len, byte[] opts) {
        byte[] data = new byte[len];
        for (int i = 0; i < len; i++) data[i] = (byte) (off + i);
        return Frames.ipv4(PEER, US, 6, 64, 0, off,
                Frames.tcp(PEER, US, sport, 7777, SEQ + off, 5000, ACK_FLAGS, 65535, opts, data));
    }

    private static byte[] timestamps(int tsval) {
        return new byte[] {1, 1, 8, 10, (byte) (tsval >>> 24), (byte) (tsval >>> 16), (byte) (tsval >>> 8),
                (byte) tsval, 0, 0, 0, 7};
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aSegmentWithABadChecksumIsNotMergedAndTcpCountsIt(LockMode mode) throws Exception {
        byte[] bad = segment(100, 100, null);
        bad[20 + 16] ^= 0x5a; // the TCP checksum
        List<String> got = run(mode, List.of(segment(0, 100, null), bad, segment(100, 100, null),
                segment(200, 100, null)), (host, nic) -> {
            assertEquals(new SimNic.LroCounters(3, 2, 1, 1), nic.lroCounters());
            assertEquals(1, host.tcpStats().get(TcpStat.RCVBADSUM));
            assertEquals(3, host.tcpStats().get(TcpStat.RCVTOTAL), host.tcpStats().nonZero());
            assertEquals(4, nic.counters().inPackets());
        });
        // the held segment goes up before the bad one; the good copy starts a new packet
        assertEquals(List.of("tcp +0 len 100 n 1", "tcp +100 len 100 n 0", "tcp +100 len 200 n 2"), got);
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aPacketOfAnotherProtocolBetweenTwoSegmentsKeepsItsPlace(LockMode mode) throws Exception {
        byte[] udp = Frames.ipv4(PEER, US, 17, 64, 0, 9, Frames.udp(PEER, US, 40000, 9, new byte[8]));
        List<String> got = run(mode, List.of(segment(0, 100, null), udp, segment(100, 100, null),
                segment(200, 100, null), segment(300, 100, null)), (host, nic) -> {
            assertEquals(new SimNic.LroCounters(4, 2, 2, 0), nic.lroCounters());
            assertEquals(2, host.tcpStats().get(TcpStat.RCVTOTAL), host.tcpStats().nonZero());
            assertEquals(3, host.ipStats().get(IpStat.RECEIVED));
        });
        assertEquals(List.of("tcp +0 len 100 n 1", "proto 17", "tcp +100 len 300 n 3"), got);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = "FINE")
    void timestampsMustNotGoBackAndTheMergedPacketCarriesTheLastOne(LockMode mode) throws Exception {
        List<String> got = run(mode, List.of(segment(0, 100, timestamps(10)), segment(100, 100, timestamps(11)),
                segment(200, 100, timestamps(9)), segment(300, 100, null), segment(400, 100, null)),
                (host, nic) -> assertEquals(new SimNic.LroCounters(5, 3, 2, 0), nic.lroCounters()));
        // a timestamp going back, then a segment without the option, each start the flow's next packet
        assertEquals(List.of("tcp +0 len 200 n 2 ts 11", "tcp +200 len 100 n 1 ts 9", "tcp +300 len 200 n 2"), got);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = "GIANT")
    void segmentsWithOtherFlagsOrNoDataGoUpAlone(LockMode mode) throws Exception {
        byte[] fin = Frames.ipv4(PEER, US, 6, 64, 0, 1,
                Frames.tcp(PEER, US, 40000, 7777, SEQ + 200, 5000, ACK_FLAGS | TcpHeader.FIN, 65535, null, new byte[0]));
        byte[] pureAck = Frames.ipv4(PEER, US, 6, 64, 0, 2,
                Frames.tcp(PEER, US, 40000, 7777, SEQ + 200, 5000, ACK_FLAGS, 65535, null, new byte[0]));
        List<String> got = run(mode, List.of(segment(0, 100, null), segment(100, 100, null), pureAck, fin),
                (host, nic) -> assertEquals(new SimNic.LroCounters(2, 1, 1, 0), nic.lroCounters()));
        assertEquals(List.of("tcp +0 len 200 n 2", "tcp +200 len 0 n 0", "tcp +200 len 0 n 0"), got);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = "FINE")
    void packetsGoUpInTheOrderTheirFirstFramesArrived(LockMode mode) throws Exception {
        List<String> got = run(mode, List.of(segment(0, 100, null), segment(41000, 0, 100, null),
                segment(41000, 100, 100, null), segment(41000, 300, 100, null), segment(100, 100, null),
                segment(41000, 400, 100, null)),
                (host, nic) -> assertEquals(new SimNic.LroCounters(6, 4, 2, 0), nic.lroCounters()));
        // flow 41000's gap flushes its packet and, before it, the older one of flow 40000
        assertEquals(List.of("tcp +0 len 100 n 1", "tcp +0 len 200 n 2 from 41000", "tcp +300 len 200 n 2 from 41000",
                "tcp +100 len 100 n 1"), got);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = "GIANT_OVER_FINE")
    void aPacketGrowsTo64KilobytesAtMost(LockMode mode) throws Exception {
        List<byte[]> segs = new ArrayList<>();
        for (int i = 0; i < 50; i++) segs.add(segment(i * 1448, 1448, null));
        List<String> got = run(mode, NicConfig.of(1).withBatch(64), segs,
                (host, nic) -> assertEquals(new SimNic.LroCounters(50, 2, 48, 0), nic.lroCounters()));
        // 45 segments make an IP packet of 65,200 bytes: a 46th would pass 65,535
        assertEquals(List.of("tcp +0 len 65160 n 45", "tcp +65160 len 7240 n 5"), got);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = "FINE")
    void aNinthFlowFindsNoEntryAndGoesUpAfterTheEightHeld(LockMode mode) throws Exception {
        List<byte[]> segs = new ArrayList<>();
        for (int flow = 0; flow < 9; flow++) segs.add(segment(41000 + flow, 0, 1, null)); // padded frames
        List<String> got = run(mode, segs, (host, nic) -> {
            assertEquals(new SimNic.LroCounters(8, 8, 0, 0), nic.lroCounters());
            assertEquals(9, host.tcpStats().get(TcpStat.RCVTOTAL));
        });
        List<String> expected = new ArrayList<>();
        for (int flow = 0; flow < 8; flow++) expected.add("tcp +0 len 1 n 1 from " + (41000 + flow));
        expected.add("tcp +0 len 1 n 0 from 41008");
        assertEquals(expected, got);
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = "FINE")
    void aBadIpHeaderChecksumIsNotMergedAndIpCountsIt(LockMode mode) throws Exception {
        byte[] bad = segment(100, 100, null);
        bad[10] ^= 0x11;
        List<String> got = run(mode, List.of(segment(0, 100, null), bad, segment(100, 100, null)), (host, nic) -> {
            assertEquals(new SimNic.LroCounters(2, 2, 0, 1), nic.lroCounters());
            assertEquals(1, host.ipStats().get(IpStat.BAD_CHECKSUM));
            assertEquals(2, host.tcpStats().get(TcpStat.RCVTOTAL));
        });
        assertEquals(List.of("tcp +0 len 100 n 1", "tcp +100 len 100 n 0", "tcp +100 len 100 n 1"), got);
    }

    /**
     * Hostile input: valid segments of two flows with random bytes of their headers changed (seeded). Nothing
     * crashes or leaks, and every frame either went up or was merged into a packet that did.
     */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = "FINE")
    void mangledHeadersAreMergedOrPassedOnNeverLost(LockMode mode) throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] p = segment(40000 + (i & 1), (i / 2) * 100, 100, (i & 1) == 0 ? null : timestamps(i));
            for (int k = rnd.nextInt(4) - 1; k > 0; k--) p[rnd.nextInt(60)] ^= (byte) (1 << rnd.nextInt(8));
            frames.add(p);
        }
        run(mode, NicConfig.of(1).withBatch(300), frames, (host, nic) -> {
            SimNic.LroCounters c = nic.lroCounters();
            assertEquals(300, nic.counters().inPackets());
            assertEquals(300, host.etherStats().get(smpnet.stack.stats.EtherStat.RECEIVED) + c.merged(), c.toString());
            assertEquals(c.queued(), c.flushed() + c.merged(), c.toString());
            assertTrue(c.merged() > 0 && c.badChecksum() > 0, c.toString());
        });
    }
}
