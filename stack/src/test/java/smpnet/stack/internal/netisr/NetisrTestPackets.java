package smpnet.stack.internal.netisr;

import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;

/** Test packets for netisr: 16 bytes of payload (source, flow, sequence in source, sequence in flow). */
final class NetisrTestPackets {
    private NetisrTestPackets() {}

    static Mbuf packet(MbufAllocator a, int source, int flow, int seqInSource, int seqInFlow) {
        byte[] b = new byte[16];
        put(b, 0, source);
        put(b, 4, flow);
        put(b, 8, seqInSource);
        put(b, 12, seqInFlow);
        Mbuf m = a.fromBytes(b, 0, b.length, Mbuf.M_WAIT);
        if (m == null) throw new IllegalStateException("allocator exhausted");
        m.pkthdr().setSourceId(source).setFlow(flowHash(flow), PacketHeader.HASH_OPAQUE);
        return m;
    }

    /** A hash that spreads consecutive flow numbers over workers, like RSS does. */
    static int flowHash(int flow) { return flow * 0x9E3779B1; }

    static int source(Mbuf m) { return m.getU32(0); }
    static int flow(Mbuf m) { return m.getU32(4); }
    static int seqInSource(Mbuf m) { return m.getU32(8); }
    static int seqInFlow(Mbuf m) { return m.getU32(12); }

    private static void put(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
