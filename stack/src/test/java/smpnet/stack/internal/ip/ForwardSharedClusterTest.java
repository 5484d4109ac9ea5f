package smpnet.stack.internal.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.ArpConfig;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.internal.arp.ArpTable;
import smpnet.stack.internal.ether.Ether;
import smpnet.stack.internal.ether.EtherLink;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.stats.Counters;
import smpnet.stack.testing.Frames;
import smpnet.stack.testing.ManualClock;
import smpnet.stack.internal.wire.ArpPacket;
import smpnet.stack.internal.wire.Checksum;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.ReassemblyLimits;

/**
 * A router must rewrite TTL and checksum of every packet it forwards; when the packet's storage is shared
 * (a cluster another mbuf still references), it does so in a private copy and leaves the sharer's bytes alone.
 */
@ExtendWith(WitnessExtension.class)
class ForwardSharedClusterTest {
    private final List<byte[]> sent = new ArrayList<>();

    private EtherLink link(String name, long mac) {
        return new EtherLink() {
            @Override public String name() { return name; }
            @Override public long mac() { return mac; }
            @Override public int mtu() { return 1500; }

            @Override
            public boolean transmit(Mbuf frame) {
                sent.add(frame.toBytes());
                frame.freeChain();
                return true;
            }
        };
    }

    @Test void forwardsASharedClusterFromAPrivateCopy() {
        StackLocks locks = new StackLocks(LockMode.FINE);
        ManualClock clock = new ManualClock();
        MbufAllocator alloc = MbufAllocator.create("fwd");
        Ipv4 ip = new Ipv4(locks, clock, alloc, true, ReassemblyLimits.DEFAULT);
        Ether ether = new Ether();
        Counters<ArpStat> arpStats = new Counters<>("arp", ArpStat.class);
        EtherLink l1 = link("em1", 0x020000000002L);
        ArpTable arp1 = new ArpTable(locks, clock, ArpConfig.DEFAULT, arpStats, alloc, ether, l1, () -> 0x0a0002fe, 24);
        ip.attach(link("em0", 0x020000000001L), 0x0a0001fe, 24, null);
        ip.attach(l1, 0x0a0002fe, 24, arp1);
        byte[] reply = new byte[ArpPacket.LENGTH];
        ArpPacket.write(MemorySegment.ofArray(reply), ArpPacket.OP_REPLY, 0x0200000000b0L, 0x0a000201, 0x020000000002L, 0x0a0002fe);
        arp1.input(alloc.fromBytes(reply, 0, reply.length, Mbuf.M_WAIT));

        byte[] packet = Frames.ipv4(0x0a000101, 0x0a000201, 17, 64, 0, 5, new byte[300]);
        Mbuf original = alloc.fromBytes(packet, 0, packet.length, Mbuf.M_WAIT);
        Mbuf shared = original.copyRange(0, Mbuf.M_COPYALL, Mbuf.M_WAIT);
        assertFalse(shared.isWritable(), "the copy shares the original's cluster");
        ip.input().input(shared);

        assertEquals(1, sent.size());
        byte[] out = sent.getFirst();
        assertEquals(63, out[14 + 8] & 0xff, "TTL decremented in the forwarded frame");
        assertEquals(0, Checksum.of(MemorySegment.ofArray(out), 14, 20), "and its header checksum still verifies");
        assertEquals(64, original.getU8(8), "the sharer's bytes are untouched");
        assertEquals("RECEIVED=1 FORWARDED=1", ip.stats().nonZero());
        original.freeChain();
    }
}
