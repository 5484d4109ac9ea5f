package smpnet.sim.traffic;

import java.util.ArrayList;
import java.util.List;
import smpnet.locking.Scheduler;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.dev.LoadFrames;
import smpnet.stack.dev.RxGenerator;
import smpnet.stack.dev.SimNic;
import smpnet.stack.net.MacAddress;

/**
 * An {@link RxGenerator} in the manner of netmap's pkt-gen: Ethernet/IPv4/UDP frames for many flows built
 * from per-flow templates with valid checksums, each carrying (flow, sequence number) in the first 8 payload
 * bytes so a receiver can check order. Flow f goes from {@code srcIp} port {@code srcPort + f} to
 * {@code dstIp:dstPort} (many sockets of one client); each RX queue generates the flows RSS assigns to it,
 * round robin.
 *
 * <p>Thread use: each queue's ithread calls {@link #fill} for its own queue only; per-queue state is not
 * shared.
 */
public final class UdpFlowGenerator implements RxGenerator {
    /** Ethernet + IPv4 + UDP header bytes. */
    public static final int HEADERS = LoadFrames.HEADERS;

    /** What to generate. {@code perQueueLimit} frames per RX queue, then the queue's ithread stops. */
    public record Spec(MacAddress dstMac, MacAddress srcMac, int srcIp, int dstIp, int srcPort, int dstPort,
                       int flows, int payloadLen, long perQueueLimit) {
        public Spec {
            if (payloadLen < 8) throw new IllegalArgumentException("payload must hold flow and sequence: 8+ bytes");
            if (flows < 1) throw new IllegalArgumentException("flows >= 1");
        }
    }

    private final Spec spec;
    private final MbufAllocator allocator;
    private final QueueState[] queues;
    /** Slot q is written only by RX queue q's ithread; read it after that ithread has finished. */
    private final long[] allocFailures;

    /**
     * Per RX queue: its flows' templates, hashes and next sequence numbers. Written only by that queue's
     * ithread (no lock needed); the counters are read after it has finished ({@link SimNic#awaitGenerator}).
     */
    private static final class QueueState extends smpnet.locking.CacheLinePadded {
        final List<byte[]> templates = new ArrayList<>();
        final List<Integer> hashes = new ArrayList<>();
        final List<Integer> flowIds = new ArrayList<>();
        long[] seq;
        int next;
        long generated;
    }

    public UdpFlowGenerator(Spec spec, SimNic nic) {
        this.spec = spec;
        this.allocator = nic.allocator();
        this.queues = new QueueState[nic.rxQueueCount()];
        this.allocFailures = new long[queues.length];
        for (int q = 0; q < queues.length; q++) queues[q] = new QueueState();
        for (int f = 0; f < spec.flows(); f++) {
            int hash = nic.rss().hashIpv4(spec.srcIp(), spec.dstIp(), (spec.srcPort() + f) & 0xffff, spec.dstPort());
            QueueState qs = queues[nic.rss().queueOf(hash)];
            qs.templates.add(LoadFrames.udp(spec.dstMac(), spec.srcMac(), spec.srcIp(), spec.dstIp(),
                    (spec.srcPort() + f) & 0xffff, spec.dstPort(), new byte[spec.payloadLen()]));
            qs.hashes.add(hash);
            qs.flowIds.add(f);
        }
        for (QueueState qs : queues) qs.seq = new long[qs.templates.size()];
    }

    @Override
    public int fill(int queue, Mbuf[] out, int off, int max) {
        QueueState qs = queues[queue];
        int n = 0;
        int spins = 0;
        while (n < max && qs.generated < spec.perQueueLimit() && !qs.templates.isEmpty()) {
            Mbuf m = next(qs);
            if (m == null) {
                allocFailures[queue]++;
                if (n > 0) break;
                Scheduler.current().spinWait(spins++); // memory is all in flight: wait for the consumers
                continue;
            }
            out[off + n++] = m;
        }
        return n;
    }

    private Mbuf next(QueueState qs) {
        int i = qs.next;
        byte[] t = qs.templates.get(i);
        Mbuf m = allocator.fromBytes(t, 0, t.length, Mbuf.M_NOWAIT);
        if (m == null) return null;
        long seq = qs.seq[i]++;
        stampSequence(m, qs.flowIds.get(i), seq);
        m.pkthdr().setFlow(qs.hashes.get(i), PacketHeader.HASH_OPAQUE);
        qs.next = (i + 1) % qs.templates.size();
        qs.generated++;
        return m;
    }

    /**
     * Writes (flow, seq) into the payload and patches the UDP checksum incrementally (RFC 1624): the
     * template's payload words are zero, so the new sum is the old one plus the new words.
     */
    private static void stampSequence(Mbuf m, int flow, long seq) {
        int off = HEADERS;
        int old = m.getU16(LoadFrames.UDP_CHECKSUM);
        m.putU32(off, flow);
        m.putU32(off + 4, (int) seq);
        long sum = (~old & 0xffff);
        sum += (flow >>> 16) + (flow & 0xffff) + ((seq >>> 16) & 0xffff) + (seq & 0xffff);
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        int csum = (int) (~sum & 0xffff);
        m.putU16(LoadFrames.UDP_CHECKSUM, csum == 0 ? 0xffff : csum);
    }

    /** Frames generated on RX queue {@code queue} so far. */
    public long generated(int queue) { return queues[queue].generated; }

    /** Flows RSS assigned to RX queue {@code queue}. */
    public int flowsOn(int queue) { return queues[queue].templates.size(); }

    /** Times queue {@code queue} found no free mbuf. */
    public long allocFailures(int queue) { return allocFailures[queue]; }
}
