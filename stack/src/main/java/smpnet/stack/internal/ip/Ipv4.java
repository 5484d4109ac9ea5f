package smpnet.stack.internal.ip;

import smpnet.locking.Scheduler;
import smpnet.stack.config.ReassemblyLimits;
import smpnet.stack.internal.net.IfIndex;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.netisr.NetisrProtocol;
import smpnet.stack.internal.route.RouteTable;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.IpStat;

/**
 * The IPv4 layer of one host (FreeBSD's {@code ip_init}): its routing table, addresses, input, output and
 * counters. It registers {@link IpInput#input} with netisr, the other end of Ethernet input's dispatch and
 * of {@link IpOutput}'s loop back to our own addresses.
 */
public final class Ipv4 {
    private final Counters<IpStat> stats = new Counters<>("ip", IpStat.class);
    private final RouteTable<IpInterface> routes;
    private final LocalAddresses addresses;
    private final IpOutput output;
    private final IpInput input;

    public Ipv4(StackLocks locks, Scheduler scheduler, MbufAllocator alloc, Netisr netisr, IfIndex ifnets,
                boolean forwarding, ReassemblyLimits limits) {
        routes = new RouteTable<>(locks.rwlock(LockInventory.RIB), () -> locks.mutex(LockInventory.RTENTRY));
        addresses = new LocalAddresses(locks.rwlock(LockInventory.IF_ADDR));
        output = new IpOutput(routes, addresses, netisr, alloc, stats, new PathMtuCache(scheduler, PathMtuCache.DEFAULT_LIMIT));
        input = new IpInput(stats, routes, addresses, output, ifnets, forwarding, alloc, locks, scheduler, limits);
        netisr.register(NetisrProtocol.IP, input::input);
    }

    public Counters<IpStat> stats() { return stats; }

    public RouteTable<IpInterface> routes() { return routes; }

    public IpInput input() { return input; }

    public IpOutput output() { return output; }

    /** Attaches interface {@code ifc} with its address, and the route to its network. */
    public IpInterface attach(IpInterface ifc) {
        addresses.add(ifc);
        routes.add(ifc.address(), ifc.prefixLength(), 0, ifc, ifc.mtu());
        return ifc;
    }

    /** Fragments held in reassembly, all datagrams together. */
    public int reassemblyFragments() { return input.reassemblyFragments(); }
}
