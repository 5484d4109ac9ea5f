package smpnet.stack.internal.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.internal.arp.ArpTable;
import smpnet.stack.internal.net.Ether;
import smpnet.stack.internal.arp.Arp;
import smpnet.stack.internal.net.IfIndex;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.testing.RecordingIfnet;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.testing.Frames;
import smpnet.stack.testing.ManualClock;
import smpnet.stack.internal.wire.ArpPacket;
import smpnet.stack.internal.wire.Checksum;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.config.ReassemblyLimits;

/**
 * A router must rewrite TTL and checksum of every packet it forwards; when the packet's storage is shared
 * (a cluster another mbuf still references), it does so in a private copy and leaves the sharer's bytes alone.
 */
@ExtendWith(WitnessExtension.class)
class ForwardSharedClusterTest {
    @Test void forwardsASharedClusterFromAPrivateCopy() {
        StackLocks locks = new StackLocks(LockMode.FINE);
        ManualClock clock = new ManualClock();
        MbufAllocator alloc = MbufAllocator.create("fwd");
        Netisr netisr = new Netisr("fwd", NetisrConfig.of(1, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE), locks);
        IfIndex ifnets = new IfIndex();
        Ipv4 ip = new Ipv4(locks, clock, alloc, netisr, ifnets, true, ReassemblyLimits.DEFAULT);
        Ether ether = new Ether(netisr);
        Arp arp = new Arp(locks, clock, ArpConfig.DEFAULT, alloc, ether, ifnets, netisr);
        RecordingIfnet l0 = new RecordingIfnet("em0", 1, 0x020000000001L, locks);
        RecordingIfnet l1 = new RecordingIfnet("em1", 2, 0x020000000002L, locks);
        ArpTable arp1 = new ArpTable(arp, l1, 0x0a0002fe, 24);
        l0.attach(ether, new ArpTable(arp, l0, 0x0a0001fe, 24));
        l1.attach(ether, arp1);
        ip.attach(new IpInterface(l0, 0x0a0001fe, 24));
        ip.attach(new IpInterface(l1, 0x0a0002fe, 24));
        byte[] reply = new byte[ArpPacket.LENGTH];
        ArpPacket.write(MemorySegment.ofArray(reply), ArpPacket.OP_REPLY, 0x0200000000b0L, 0x0a000201, 0x020000000002L, 0x0a0002fe);
        arp1.input(alloc.fromBytes(reply, 0, reply.length, Mbuf.M_WAIT));

        byte[] packet = Frames.ipv4(0x0a000101, 0x0a000201, 17, 64, 0, 5, new byte[300]);
        Mbuf original = alloc.fromBytes(packet, 0, packet.length, Mbuf.M_WAIT);
        Mbuf shared = original.copyRange(0, Mbuf.M_COPYALL, Mbuf.M_WAIT);
        assertFalse(shared.isWritable(), "the copy shares the original's cluster");
        ip.input().input(shared);

        assertEquals(0, l0.frames.size());
        assertEquals(1, l1.frames.size());
        byte[] out = l1.frames.getFirst();
        assertEquals(63, out[14 + 8] & 0xff, "TTL decremented in the forwarded frame");
        assertEquals(0, Checksum.of(MemorySegment.ofArray(out), 14, 20), "and its header checksum still verifies");
        assertEquals(64, original.getU8(8), "the sharer's bytes are untouched");
        assertEquals("RECEIVED=1 FORWARDED=1", ip.stats().nonZero());
        original.freeChain();
    }
}
