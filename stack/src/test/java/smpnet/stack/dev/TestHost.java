package smpnet.stack.dev;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import smpnet.stack.internal.net.Ether;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.netisr.NetisrHandler;
import smpnet.stack.internal.netisr.NetisrProtocol;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.MacAddress;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * A bare host for interface tests: its locks, its allocator, one NIC, and the real path above it (Ethernet
 * input, netisr with direct dispatch) up to an IP handler that records each packet, or runs {@link #handler}.
 */
public final class TestHost {
    /** What the IP handler saw of one packet; {@code len} is its frame's length (the Ethernet header included). */
    public record Seen(int sourceId, int flowId, int rcvIf, int len, int flow, int seq, MbufAllocator memory) {}

    private static final int PAYLOAD = LoadFrames.HEADERS - Ifnet.ETHER_HDR_LEN;

    public final StackLocks locks;
    public final MbufAllocator alloc;
    public final SimNic nic;
    public final Netisr netisr;
    public final Ether ether;
    public final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    /** What the IP handler does with each packet (in the NIC's ithread: dispatch is direct). */
    public volatile NetisrHandler handler = this::record;

    public TestHost(String name, int n, LockMode mode, NicConfig config) {
        locks = new StackLocks(mode);
        alloc = MbufAllocator.create(name);
        netisr = new Netisr(name, NetisrConfig.of(1, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE), locks);
        netisr.register(NetisrProtocol.IP, m -> handler.handle(m));
        ether = new Ether(netisr);
        nic = new SimNic(name + "-em0", 1, MacAddress.local(n), 1500, config, locks, alloc);
        attach(nic);
    }

    /** Attaches {@code ifp} (a second interface, a loopback) to this host's Ethernet layer, without ARP. */
    public void attach(Ifnet ifp) { ifp.attach(ether, null); }

    /** Records one IP packet (its Ethernet header already stripped by Ethernet input) and frees it. */
    public void record(Mbuf m) {
        var h = m.pkthdr();
        int flow = m.pktLen() >= PAYLOAD + 8 ? m.getU32(PAYLOAD) : -1;
        int seq = m.pktLen() >= PAYLOAD + 8 ? m.getU32(PAYLOAD + 4) : -1;
        seen.add(new Seen(h.sourceId(), h.flowId(), h.rcvIf(), m.pktLen() + Ifnet.ETHER_HDR_LEN, flow, seq,
                m.allocator()));
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
