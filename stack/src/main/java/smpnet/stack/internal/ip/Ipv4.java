package smpnet.stack.internal.ip;

import smpnet.locking.Scheduler;
import smpnet.stack.internal.arp.ArpTable;
import smpnet.stack.internal.ether.EtherLink;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.internal.route.RouteTable;
import smpnet.stack.stats.Counters;
import smpnet.stack.ReassemblyLimits;
import smpnet.stack.stats.IpStat;

/** The IPv4 layer of one host: its routing table, input, output, reassembly and counters, wired together. */
public final class Ipv4 {
    private static final int REASSEMBLY_BUCKETS = 64;

    private final Counters<IpStat> stats = new Counters<>("ip", IpStat.class);
    private final RouteTable<IpInterface> routes;
    private final IpOutput output;
    private final IpInput input;
    private final Reassembly<Mbuf> reassembly;

    public Ipv4(StackLocks locks, Scheduler scheduler, MbufAllocator alloc, boolean forwarding, ReassemblyLimits limits) {
        routes = new RouteTable<>(locks.rwlock(LockInventory.RIB), () -> locks.mutex(LockInventory.RTENTRY));
        output = new IpOutput(routes, alloc, stats, new PathMtuCache(scheduler, PathMtuCache.DEFAULT_LIMIT));
        IpInput[] in = new IpInput[1];
        reassembly = new Reassembly<>(REASSEMBLY_BUCKETS, () -> locks.mutex(LockInventory.IPQ), limits,
                Mbuf::freeChain, (first, n) -> in[0].reassemblyTimedOut(first, n), locks::runEntryPoint, scheduler);
        input = new IpInput(stats, routes, output, reassembly, locks.rwlock(LockInventory.IF_ADDR), forwarding, alloc);
        in[0] = input;
    }

    public Counters<IpStat> stats() { return stats; }

    public RouteTable<IpInterface> routes() { return routes; }

    public IpInput input() { return input; }

    public IpOutput output() { return output; }

    /** Attaches {@code link} with {@code address/prefixLength}, adding the route to the connected network. */
    public IpInterface attach(EtherLink link, int address, int prefixLength, ArpTable arp) {
        return attach(new IpInterface(link, address, prefixLength, arp));
    }

    /** Attaches interface {@code ifc} (e.g. {@link IpInterface#loopback}) and the route to its network. */
    public IpInterface attach(IpInterface ifc) {
        input.addInterface(ifc);
        routes.add(ifc.address(), ifc.prefixLength(), 0, ifc, ifc.mtu());
        return ifc;
    }

    /**
     * Routes packets for our own addresses to {@code loop} (the host's netisr) instead of a link. Set
     * before packets flow.
     */
    public void setLoopback(java.util.function.Consumer<Mbuf> loop) { output.setLoopback(input::isOwnAddress, loop); }

    /** Fragments held in reassembly, all datagrams together. */
    public int reassemblyFragments() { return reassembly.fragmentsHeld(); }

    /** Datagrams waiting in reassembly. */
    public int reassemblyPending() { return reassembly.pending(); }

    /** Frees what reassembly still holds (host shutdown). */
    public void drain() { reassembly.drain(); }
}
