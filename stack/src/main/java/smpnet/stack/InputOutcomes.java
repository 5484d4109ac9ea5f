package smpnet.stack;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.stats.EtherStat;
import smpnet.stack.stats.IcmpStat;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.UdpStat;

/**
 * What became of every frame a host received: each has exactly one outcome, and each outcome is one
 * counter of one layer. A frame is delivered to a socket, forwarded, consumed by ARP or ICMP, held (by
 * reassembly), or dropped under one reason; a layer that passes a frame up counts that in an
 * informational counter (ip DELIVERED, ether's hand-off to netisr), never in an outcome. So, once a host
 * is quiet, {@link #frames()} (frames in, plus packets the host sent to its own address) equals
 * {@link #sum()}; a frame counted twice, or freed without a count, breaks the equation.
 *
 * <p>The outcome counters are listed here, in one place, beside the layers' informational ones. A
 * counter that both input and output increment (e.g. ip CANT_FRAGMENT) counts as an outcome: the host
 * must be sending nothing of its own with DF set when the equation is checked.
 *
 * @param frames   frames received on every interface (ether RECEIVED) plus packets looped to ourselves
 * @param outcomes every outcome counter that is not zero, as "layer.COUNTER" → value
 */
public record InputOutcomes(long frames, Map<String, Long> outcomes) {
    static final Set<EtherStat> ETHER = EnumSet.of(EtherStat.TRUNCATED, EtherStat.OTHER_HOST, EtherStat.UNKNOWN_TYPE);
    static final Set<ArpStat> ARP = EnumSet.of(ArpStat.MALFORMED, ArpStat.NOT_FOR_US, ArpStat.FOR_US,
            ArpStat.BAD_SENDER, ArpStat.OFF_LINK, ArpStat.NO_TABLE);
    static final Set<IpStat> IP = EnumSet.of(IpStat.TOO_SHORT, IpStat.BAD_VERSION, IpStat.BAD_HEADER_LENGTH,
            IpStat.BAD_LENGTH, IpStat.TRUNCATED, IpStat.BAD_CHECKSUM, IpStat.BAD_OPTIONS, IpStat.SOURCE_ROUTED,
            IpStat.MARTIAN, IpStat.BAD_SOURCE, IpStat.FRAGMENTS_HELD, IpStat.FRAGMENTS_DROPPED,
            IpStat.FRAGMENTS_BAD_LENGTH, IpStat.TOO_LONG, IpStat.UNKNOWN_PROTOCOL, IpStat.FORWARDED,
            IpStat.NOT_FORWARDING, IpStat.NOT_FORWARDABLE, IpStat.NO_ROUTE_FORWARD, IpStat.TTL_EXCEEDED,
            IpStat.CANT_FRAGMENT, IpStat.INPUT_NO_BUFFERS);
    static final Set<IcmpStat> ICMP = EnumSet.of(IcmpStat.TOO_SHORT, IcmpStat.BAD_CHECKSUM, IcmpStat.OTHER_RECEIVED,
            IcmpStat.BAD_CODE, IcmpStat.BROADCAST_ECHO_IGNORED, IcmpStat.CONSUMED);
    static final Set<UdpStat> UDP = EnumSet.of(UdpStat.TOO_SHORT, UdpStat.BAD_LENGTH, UdpStat.BAD_CHECKSUM,
            UdpStat.NO_PORT, UdpStat.NO_PORT_BROADCAST, UdpStat.FULL_SOCKET_BUFFER, UdpStat.DELIVERED);

    public InputOutcomes {
        outcomes = Map.copyOf(outcomes);
    }

    /** Reads a host's counters (meaningful once it is quiet: {@link Stack#quiesce()}). */
    static InputOutcomes of(Stack s) {
        Map<String, Long> out = new LinkedHashMap<>();
        add(out, s.etherStats(), ETHER);
        long netisrDrops = s.netisr().totals().dropped() + s.netisr().unregisteredDrops();
        if (netisrDrops != 0) out.put("netisr.DROPPED", netisrDrops);
        add(out, s.arpStats(), ARP);
        add(out, s.ipStats(), IP);
        add(out, s.icmpStats(), ICMP);
        add(out, s.udpStats(), UDP);
        return new InputOutcomes(s.etherStats().get(EtherStat.RECEIVED) + s.ipStats().get(IpStat.LOOPED), out);
    }

    private static <E extends Enum<E>> void add(Map<String, Long> out, Counters<E> c, Set<E> outcomes) {
        for (E e : outcomes) {
            long v = c.get(e);
            if (v != 0) out.put(c.protocol() + "." + e.name(), v);
        }
    }

    /** The sum of every outcome counter. */
    public long sum() { return outcomes.values().stream().mapToLong(Long::longValue).sum(); }

    /** True if every frame has exactly one outcome. */
    public boolean balanced() { return sum() == frames; }

    @Override
    public String toString() { return frames + " frames, " + sum() + " outcomes " + outcomes; }
}
