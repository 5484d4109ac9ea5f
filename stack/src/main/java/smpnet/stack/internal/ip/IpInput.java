package smpnet.stack.internal.ip;

import java.util.List;
import smpnet.stack.internal.Planted;
import smpnet.locking.Scheduler;
import smpnet.stack.config.ReassemblyLimits;
import smpnet.stack.internal.net.IfIndex;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.internal.route.Route;
import smpnet.stack.internal.route.RouteTable;
import smpnet.stack.stats.Counters;
import smpnet.stack.internal.wire.IcmpHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.Malformed;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.stats.IpStat;

/**
 * IPv4 input (ip_input): validation through {@link Ipv4Header} with every rejection a counted drop,
 * reassembly, local delivery by protocol, or forwarding (RFC 1812 5.2) when the host is a router.
 * Runs in netisr context: called with no lock held, returns with none.
 *
 * <p>Locking key: {@link LocalAddresses} takes {@code if_addr} to decide "is it for us". Protocol handlers
 * are registered by the protocols' constructors while the host is assembled, before any packet flows, and
 * read without a lock after. {@code forwarding} is volatile (a sysctl may change it at any time).
 */
public final class IpInput {
    private static final int REASSEMBLY_BUCKETS = 64;

    private final Counters<IpStat> stats;
    private final MbufAllocator alloc;
    private final RouteTable<IpInterface> routes;
    private final IpOutput output;
    private final Reassembly<Mbuf> reassembly;
    private final LocalAddresses addresses;
    private final IfIndex ifnets;
    private volatile boolean forwarding;
    /** Written by {@link #register} while the host is assembled, before the first packet; read without a lock after. */
    private final ProtocolInput[] protocols = new ProtocolInput[256];
    private IcmpErrors icmp;

    IpInput(Counters<IpStat> stats, RouteTable<IpInterface> routes, LocalAddresses addresses, IpOutput output,
            IfIndex ifnets, boolean forwarding, MbufAllocator alloc, StackLocks locks, Scheduler scheduler,
            ReassemblyLimits limits) {
        this.alloc = alloc;
        this.stats = stats;
        this.routes = routes;
        this.output = output;
        this.addresses = addresses;
        this.ifnets = ifnets;
        this.forwarding = forwarding;
        this.reassembly = new Reassembly<>(REASSEMBLY_BUCKETS, () -> locks.mutex(LockInventory.IPQ), limits,
                Mbuf::freeChain, this::reassemblyTimedOut, locks::runEntryPoint, scheduler);
    }

    /**
     * Registers transport protocol {@code protocol}'s input ({@code pr_input}), called by that protocol's
     * constructor; {@link #deliver} calls it in the same thread.
     */
    public void register(int protocol, ProtocolInput input) { protocols[protocol] = input; }

    /** Where IP reports errors ({@code icmp_error}); set by ICMP's constructor. */
    public void setIcmpErrors(IcmpErrors errors) { this.icmp = errors; }

    /** net.inet.ip.forwarding: true if packets for other hosts are routed on. */
    public boolean forwarding() { return forwarding; }

    public void setForwarding(boolean on) { forwarding = on; }

    /** True if {@code dst} is one of our addresses, a directed broadcast of our networks, or limited broadcast. */
    public boolean isLocal(int dst) { return addresses.isLocal(dst); }

    /** True if {@code a} is the address of one of our interfaces (not a broadcast). */
    public boolean isOwnAddress(int a) { return addresses.isOwnAddress(a); }

    /** True if {@code dst} is a broadcast address for us (no ICMP errors answer those: RFC 1122 3.2.2). */
    public boolean isBroadcast(int dst) { return addresses.isBroadcast(dst); }

    /** Datagrams waiting in reassembly. */
    public int reassemblyPending() { return reassembly.pending(); }

    /** Fragments held in reassembly, all datagrams together. */
    public int reassemblyFragments() { return reassembly.fragmentsHeld(); }

    /** The reassembly limits in force (net.inet.ip.maxfragpackets and the rest). */
    public ReassemblyLimits reassemblyLimits() { return reassembly.limits(); }

    /** Replaces the reassembly limits (a sysctl write); fragments already queued keep their place. */
    public void setReassemblyLimits(ReassemblyLimits limits) { reassembly.setLimits(limits); }

    /** Frees what reassembly still holds (host shutdown). */
    public void drainReassembly() { reassembly.drain(); }

    /**
     * {@code ip_input}: one IP packet, the other end of netisr's IP hand-off (from {@code Ether.input}, or
     * {@link IpOutput} looping a packet for one of our addresses back). Takes ownership.
     */
    public void input(Mbuf packet) {
        stats.increment(IpStat.RECEIVED);
        Mbuf m = packet.pullup(Ipv4Header.MIN_LENGTH);
        if (m == null) {
            stats.increment(IpStat.TOO_SHORT);
            return;
        }
        int hlen = Ipv4Header.headerLength(m.getU8(0));
        if (hlen > Ipv4Header.MIN_LENGTH && hlen <= m.pktLen()) {
            m = m.pullup(hlen);
            if (m == null) {
                stats.increment(IpStat.BAD_HEADER_LENGTH);
                return;
            }
        }
        // ip_input honours the receiving device's header check (CSUM_IP_CHECKED): valid, it is not summed
        // again; invalid, the packet is a bad-checksum drop.
        int csum = m.pkthdr().csumFlags();
        boolean checked = (csum & PacketHeader.CSUM_IP_CHECKED) != 0;
        if (checked && (csum & PacketHeader.CSUM_IP_VALID) == 0) {
            drop(m, IpStat.BAD_CHECKSUM);
            return;
        }
        Ipv4Header h;
        try {
            h = new Ipv4Header(m.data(), m.pktLen(), checked);
        } catch (MalformedPacketException e) {
            if (e.reason() == Malformed.BAD_OPTION_POINTER) {
                // RFC 1122 3.2.1.8: a parameter problem pointing at the bad byte (FreeBSD ip_dooptions).
                stats.increment(IpStat.BAD_OPTIONS);
                icmp.error(m, IcmpHeader.PARAMETER_PROBLEM, 0, Ipv4Header.badOptionPointerOffset(m.data()) << 24);
                return;
            }
            drop(m, statFor(e));
            return;
        }
        if (m.pktLen() > h.totalLength()) m.adj(h.totalLength() - m.pktLen()); // link padding
        if (Planted.IPV4 && h.headerLength() == 24 && m.getU8(21) == 4 && m.getU8(20) < 0x80) stats.increment(IpStat.BAD_OPTIONS);
        if ((isLoopbackNet(h.source()) || isLoopbackNet(h.destination())) && receivedOffHost(m)) {
            drop(m, IpStat.MARTIAN); // RFC 1122 3.2.1.3 (g): 127/8 must not appear outside a host
            return;
        }
        if (!isHostSource(h.source(), h.destination(), h.protocol(), m)) {
            drop(m, IpStat.BAD_SOURCE);
            return;
        }
        if (addresses.isLocal(h.destination())) {
            deliver(m, h);
        } else {
            forward(m, h);
        }
    }

    private static boolean isLoopbackNet(int a) { return a >>> 24 == 127; }

    /** 224/4 (multicast) and 240/4 (class E, reserved): never the address of a single host. */
    private static boolean isMulticastOrReserved(int a) { return a >>> 28 >= 0xe; }

    /**
     * RFC 1122 3.2.1.3: a datagram is discarded silently if its source is not one host: 0/8 (except
     * 0.0.0.0 to the limited broadcast over UDP, as a DHCP client sends before it has an address),
     * a broadcast address, multicast or class E; nor one of our own addresses when it came from outside
     * (only we may use it, and answering it would loop). Nothing answers such a packet, so no reply or
     * error can go back into this host or out to a broadcast.
     */
    private boolean isHostSource(int src, int dst, int protocol, Mbuf m) {
        if (src == 0) return dst == -1 && protocol == Ipv4Header.PROTO_UDP;
        if (src >>> 24 == 0 || isMulticastOrReserved(src) || isBroadcast(src)) return false;
        return !(receivedOffHost(m) && addresses.isOwnAddress(src));
    }

    /** True if {@code m} arrived on an interface that is not a loopback one (a locally made packet did not). */
    private boolean receivedOffHost(Mbuf m) {
        Ifnet ifp = ifnets.get(m.pkthdr().rcvIf());
        return ifp != null && !ifp.isLoopback();
    }

    private static IpStat statFor(MalformedPacketException e) {
        return switch (e.reason()) {
            case TRUNCATED -> IpStat.TRUNCATED;
            case BAD_VERSION -> IpStat.BAD_VERSION;
            case BAD_HEADER_LENGTH -> IpStat.BAD_HEADER_LENGTH;
            case BAD_LENGTH -> IpStat.BAD_LENGTH;
            case BAD_CHECKSUM -> IpStat.BAD_CHECKSUM;
            case SOURCE_ROUTE -> IpStat.SOURCE_ROUTED;
            default -> IpStat.BAD_OPTIONS;
        };
    }

    private void deliver(Mbuf m, Ipv4Header h) {
        if (h.isFragment()) {
            stats.increment(IpStat.FRAGMENTS_RECEIVED);
            int payload = h.totalLength() - h.headerLength();
            if (h.moreFragments() && (payload == 0 || (payload & 7) != 0)) {
                drop(m, IpStat.FRAGMENTS_BAD_LENGTH); // RFC 791: every fragment but the last carries 8-byte units
                return;
            }
            m = reassemble(m, h);
            if (m == null) return;
            try {
                h = new Ipv4Header(m.data(), m.pktLen());
            } catch (MalformedPacketException e) {
                drop(m, statFor(e)); // cannot happen: we wrote it, but never trust a rebuilt header blindly
                return;
            }
        }
        ProtocolInput p = protocols[h.protocol()];
        if (p == null) {
            drop(m, IpStat.UNKNOWN_PROTOCOL);
            return;
        }
        stats.increment(IpStat.DELIVERED);
        p.input(m, h.headerLength(), h.source(), h.destination()); // Udp.input or Icmp.input, registered by them
    }

    /** Queues a fragment; returns the whole datagram, header first, when this fragment completed it. */
    private Mbuf reassemble(Mbuf m, Ipv4Header h) {
        int hlen = h.headerLength();
        Reassembly.Key key = new Reassembly.Key(h.source(), h.destination(), h.protocol(), h.identification());
        int len = h.totalLength() - hlen;
        Reassembly.Result<Mbuf> r = reassembly.insert(key, h.fragmentOffset(), len, hlen, h.moreFragments(), m);
        switch (r.outcome()) {
            case QUEUED -> {
                stats.increment(IpStat.FRAGMENTS_HELD);
                return null;
            }
            case COMPLETED -> { return join(r.completed()); }
            case DROPPED_TOO_LONG -> stats.increment(IpStat.TOO_LONG);
            default -> stats.increment(IpStat.FRAGMENTS_DROPPED);
        }
        stats.add(IpStat.FRAGMENTS_FLUSHED, r.discarded() - 1); // the held ones given up with this one
        return null;
    }

    /** Joins fragments in offset order: the first keeps its header, the others lose theirs (RFC 815). */
    private Mbuf join(List<Mbuf> frags) {
        Mbuf first = frags.getFirst();
        if (!first.isWritable()) {
            first = privateCopy(first);
            if (first == null) {
                for (int i = 1; i < frags.size(); i++) frags.get(i).freeChain();
                return null;
            }
        }
        if (Planted.REASSEMBLY && frags.size() >= 3 && first.getU8(0) == 0x4f) alloc.get(Mbuf.M_NOWAIT); // planted leak: see Planted
        for (int i = 1; i < frags.size(); i++) {
            Mbuf f = frags.get(i);
            f.adj(Ipv4Header.headerLength(f.getU8(0))); // validated when the fragment arrived
            first.concat(f);
        }
        stats.increment(IpStat.REASSEMBLED);
        Ipv4Header.rewriteForFragment(first.data(), first.pktLen(), 0);
        return first;
    }

    /** RFC 1812 5.2: TTL check, route, MTU, TTL decrement, then output on the next hop's interface. */
    private void forward(Mbuf m, Ipv4Header h) {
        // RFC 1812 5.3.7: never forward to 127/8 (else a router would send it round lo0 until TTL expired).
        if (!forwarding || h.destination() == 0 || isLoopbackNet(h.destination())) {
            drop(m, IpStat.NOT_FORWARDING);
            return;
        }
        // RFC 1812 5.3.4: not what arrived as a link-layer broadcast; 5.3.7: not to 0/8, multicast (we
        // route none) or class E. Bad sources never get here: input dropped them (FreeBSD in_canforward).
        int dst = h.destination();
        if (m.pkthdr().linkBroadcast() || dst >>> 24 == 0 || isMulticastOrReserved(dst)) {
            drop(m, IpStat.NOT_FORWARDABLE);
            return;
        }
        if (h.ttl() <= 1) {
            stats.increment(IpStat.TTL_EXCEEDED);
            icmp.error(m, IcmpHeader.TIME_EXCEEDED, IcmpHeader.CODE_TTL_EXCEEDED, 0);
            return;
        }
        Route<IpInterface> r = routes.lookup(h.destination());
        if (r == null) {
            stats.increment(IpStat.NO_ROUTE_FORWARD);
            icmp.error(m, IcmpHeader.DEST_UNREACHABLE, 0, 0);
            return;
        }
        int mtu = Math.min(r.iface().mtu(), r.use());
        if (h.totalLength() > mtu && h.dontFragment()) {
            stats.increment(IpStat.CANT_FRAGMENT);
            icmp.error(m, IcmpHeader.DEST_UNREACHABLE, IcmpHeader.CODE_FRAG_NEEDED, mtu);
            return;
        }
        if (!m.isWritable()) { // a shared cluster: the TTL and checksum are rewritten in a private copy
            m = privateCopy(m);
            if (m == null) return;
            h = view(m);
        }
        h.decrementTtl();
        stats.increment(IpStat.FORWARDED);
        output.send(m, r, h.destination(), false, mtu);
    }

    /** The reassembly timed out a datagram: RFC 792 time exceeded (code 1) if its first fragment came. */
    void reassemblyTimedOut(Mbuf first, int fragments) {
        stats.add(IpStat.FRAGMENTS_TIMED_OUT, fragments);
        if (first != null) icmp.error(first, IcmpHeader.TIME_EXCEEDED, IcmpHeader.CODE_REASSEMBLY_EXCEEDED, 0);
    }

    /** A writable copy of packet {@code m} (freed); null, counted, when out of mbufs. */
    private Mbuf privateCopy(Mbuf m) {
        byte[] all = m.toBytes();
        m.freeChain();
        Mbuf c = alloc.fromBytes(all, 0, all.length, IpOutput.LINK_HEADROOM, Mbuf.M_NOWAIT);
        if (c == null) stats.increment(IpStat.INPUT_NO_BUFFERS);
        return c;
    }

    /** The header view of a packet this layer already validated (a copy or a rebuilt datagram). */
    private static Ipv4Header view(Mbuf m) {
        try {
            return new Ipv4Header(m.data(), m.pktLen());
        } catch (MalformedPacketException e) {
            throw new IllegalStateException("a validated header no longer validates", e);
        }
    }

    private void drop(Mbuf m, IpStat why) {
        stats.increment(why);
        m.freeChain();
    }
}
