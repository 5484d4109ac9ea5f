package smpnet.stack;

import smpnet.stack.config.ArpConfig;
import smpnet.stack.config.ReassemblyLimits;
import smpnet.stack.internal.arp.Arp;
import smpnet.stack.internal.ip.IpInput;
import smpnet.stack.internal.ip.Ipv4;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.internal.udp.Udp;

/**
 * The sysctl names of a host's protocol settings, each bound to the object that owns the value (the packet
 * path reads its own field, never the registry). Units are FreeBSD's: seconds for ARP's max_age.
 */
final class HostSysctls {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private HostSysctls() {}

    static void register(Sysctl s, StackConfig config, Netisr netisr, Arp arp, Ipv4 ip, Udp udp) {
        IpInput in = ip.input();
        s.add("net.inet.ip.forwarding", "route packets for other hosts between interfaces (RFC 1812)", 0, 1,
                () -> in.forwarding() ? 1 : 0, v -> in.setForwarding(v != 0));
        s.add("net.inet.ip.portrange.first", "lowest ephemeral port", 1, 65535,
                () -> udp.portRange()[0], v -> udp.setPortRange((int) v, udp.portRange()[1]));
        s.add("net.inet.ip.portrange.last", "highest ephemeral port", 1, 65535,
                () -> udp.portRange()[1], v -> udp.setPortRange(udp.portRange()[0], (int) v));
        s.add("net.inet.ip.maxfragpackets", "most datagrams in reassembly at once", 1, Integer.MAX_VALUE,
                () -> in.reassemblyLimits().packets(), v -> {
                    ReassemblyLimits l = in.reassemblyLimits();
                    in.setReassemblyLimits(new ReassemblyLimits(l.fragmentsPerPacket(), (int) v, l.bytes(),
                            l.timeoutNanos()));
                });
        s.add("net.inet.ip.maxfragsperpacket", "most fragments one datagram may collect", 2, Integer.MAX_VALUE,
                () -> in.reassemblyLimits().fragmentsPerPacket(), v -> {
                    ReassemblyLimits l = in.reassemblyLimits();
                    in.setReassemblyLimits(new ReassemblyLimits((int) v, l.packets(), l.bytes(), l.timeoutNanos()));
                });
        s.add("net.link.ether.inet.max_age", "seconds a resolved ARP entry is used", 1, Integer.MAX_VALUE,
                () -> arp.config().keepNanos() / NANOS_PER_SECOND, v -> {
                    ArpConfig c = arp.config();
                    arp.setConfig(new ArpConfig(v * NANOS_PER_SECOND, c.maxHold(), c.requestGapNanos(), c.maxTries(), c.maxEntries()));
                });
        s.add("net.link.ether.inet.maxhold", "packets an unresolved ARP entry holds", 1, Integer.MAX_VALUE,
                () -> arp.config().maxHold(), v -> {
                    ArpConfig c = arp.config();
                    arp.setConfig(new ArpConfig(c.keepNanos(), (int) v, c.requestGapNanos(), c.maxTries(), c.maxEntries()));
                });
        s.add("net.link.ether.inet.maxtries", "ARP requests sent before held packets are dropped", 1,
                Integer.MAX_VALUE, () -> arp.config().maxTries(), v -> {
                    ArpConfig c = arp.config();
                    arp.setConfig(new ArpConfig(c.keepNanos(), c.maxHold(), c.requestGapNanos(), (int) v, c.maxEntries()));
                });
        s.addReadOnly("net.isr.numthreads", "netisr worker threads", netisr::workerCount);
        s.addReadOnly("net.isr.maxqlimit", "packets each netisr queue holds", () -> config.netisr().queueLimit());
    }
}
