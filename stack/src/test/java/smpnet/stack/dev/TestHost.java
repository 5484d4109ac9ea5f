package smpnet.stack.dev;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.Ifnet;
import smpnet.stack.net.MacAddress;

/** A bare host for interface tests: its locks, its allocator, one NIC, and a handler that records frames. */
public final class TestHost {
    /** What the input handler saw of one frame. */
    public record Seen(int sourceId, int flowId, Object rcvIf, int len, int flow, int seq, MbufAllocator memory) {}

    public final StackLocks locks;
    public final MbufAllocator alloc;
    public final SimNic nic;
    public final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

    public TestHost(String name, int n, LockMode mode, NicConfig config) {
        locks = new StackLocks(mode);
        alloc = MbufAllocator.create(name);
        nic = new SimNic(name + "-em0", 1, MacAddress.local(n), 1500, config, locks, alloc);
        nic.setInputHandler(this::record);
    }

    void record(Ifnet ifp, Mbuf m) {
        var h = m.pkthdr();
        int flow = m.pktLen() >= LoadFrames.HEADERS + 8 ? m.getU32(LoadFrames.HEADERS) : -1;
        int seq = m.pktLen() >= LoadFrames.HEADERS + 8 ? m.getU32(LoadFrames.HEADERS + 4) : -1;
        seen.add(new Seen(h.sourceId(), h.flowId(), h.rcvIf(), m.pktLen(), flow, seq, m.allocator()));
        m.freeChain();
    }

    /** A UDP frame of flow {@code flow} (source port 40000 + flow) carrying (flow, seq). */
    public Mbuf udp(MacAddress dst, int flow, int seq, int payloadLen) {
        byte[] payload = new byte[payloadLen];
        RssHash.putInt(payload, 0, flow);
        RssHash.putInt(payload, 4, seq);
        byte[] f = LoadFrames.udp(dst, nic.mac(), IfAddress.parseIpv4("10.0.0.1"),
                IfAddress.parseIpv4("10.0.1.1"), 40000 + flow, 9, payload);
        return alloc.fromBytes(f, 0, f.length, Mbuf.M_WAIT);
    }
}
