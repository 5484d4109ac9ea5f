package smpnet.stack.internal.arp;

import smpnet.locking.Scheduler;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.internal.net.Ether;
import smpnet.stack.internal.net.IfIndex;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.netisr.NetisrProtocol;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.stats.Counters;

/**
 * ARP of one host (FreeBSD's {@code if_ether.c} module): what every interface's {@link ArpTable} shares
 * (counters, timers and bounds, lock factory, allocator, the Ethernet layer), and the netisr handler that
 * hands each received ARP packet to the table of the interface it arrived on.
 *
 * <p>Locking key: {@code config} is volatile, replaced whole when a sysctl changes it, read once per use.
 */
public final class Arp {
    private final StackLocks locks;
    private final Scheduler scheduler;
    private final MbufAllocator alloc;
    private final Ether ether;
    private final IfIndex ifnets;
    private final Counters<ArpStat> stats = new Counters<>("arp", ArpStat.class);
    private volatile ArpConfig config;

    /** Registers ARP input with {@code netisr} ({@code arpintr}'s {@code netisr_register}). */
    public Arp(StackLocks locks, Scheduler scheduler, ArpConfig config, MbufAllocator alloc, Ether ether,
               IfIndex ifnets, Netisr netisr) {
        this.locks = locks;
        this.scheduler = scheduler;
        this.config = config;
        this.alloc = alloc;
        this.ether = ether;
        this.ifnets = ifnets;
        netisr.register(NetisrProtocol.ARP, this::input);
    }

    /**
     * {@code arpintr}: the other end of {@code Ether.input}'s dispatch of an ARP packet, run by netisr with
     * no lock held (in the ithread or a netisr worker). The interface it arrived on owns the table.
     */
    void input(Mbuf m) {
        Ifnet ifp = ifnets.get(m.pkthdr().rcvIf());
        ArpTable table = ifp == null ? null : ifp.arp();
        if (table == null) {
            stats.increment(ArpStat.NO_TABLE);
            m.freeChain();
            return;
        }
        table.input(m);
    }

    public Counters<ArpStat> stats() { return stats; }

    public ArpConfig config() { return config; }

    /** Replaces the timers and bounds (a sysctl write); entries and requests in flight use the new ones next. */
    public void setConfig(ArpConfig c) { config = c; }

    StackLocks locks() { return locks; }

    Scheduler scheduler() { return scheduler; }

    MbufAllocator allocator() { return alloc; }

    Ether ether() { return ether; }
}
