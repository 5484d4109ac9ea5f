package smpnet.stack.internal.ip;

import java.util.concurrent.atomic.AtomicInteger;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.netisr.NetisrProtocol;
import smpnet.stack.internal.wire.MalformedPacketException;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.internal.route.Route;
import smpnet.stack.internal.route.RouteTable;
import smpnet.stack.stats.Counters;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.stats.IpStat;

/**
 * IPv4 output (ip_output): route lookup, header with checksum, fragmentation to the route's MTU
 * (RFC 791 3.2, "Fragmentation"), hand-off to the interface ({@link IpInterface#output}); a packet for one of
 * our own addresses goes back to input through netisr. Holds no lock of its own; the route table, the
 * route and the address list take theirs.
 */
public final class IpOutput {
    /** What became of a datagram handed to {@link #output}. */
    /** What {@link #output} did; NET_DOWN: the host's interfaces are not up (FreeBSD's ENETDOWN). */
    public enum Result { SENT, NO_ROUTE, TOO_BIG, NO_BUFFERS, DROPPED, NET_DOWN }

    public static final int DEFAULT_TTL = 64;

    /** Room left in front of a built header for the link header (Ethernet's 14, rounded up). */
    static final int LINK_HEADROOM = 16;

    private final RouteTable<IpInterface> routes;
    private final MbufAllocator alloc;
    private final Counters<IpStat> stats;
    private final LocalAddresses addresses;
    private final Netisr netisr;
    /** RFC 6864: the ID only has to be unique per source, destination and protocol while fragments live. */
    private final AtomicInteger nextId = new AtomicInteger(1);

    private final PathMtuCache pathMtu;
    /**
     * Whether the host's interfaces are up (IFF_UP): they come up together when the host starts and go down
     * when it closes; until then {@link #output} sends nothing. Written by the thread that starts or closes
     * the host, read by every sender.
     */
    private volatile boolean interfacesUp = true;

    IpOutput(RouteTable<IpInterface> routes, LocalAddresses addresses, Netisr netisr, MbufAllocator alloc,
             Counters<IpStat> stats, PathMtuCache pathMtu) {
        this.pathMtu = pathMtu;
        this.routes = routes;
        this.addresses = addresses;
        this.netisr = netisr;
        this.alloc = alloc;
        this.stats = stats;
    }

    /** Marks the host's interfaces up (started) or down (configuring, closed). */
    public void setInterfacesUp(boolean up) { interfacesUp = up; }

    /** Whether the host's interfaces are up: false before the host starts and after it closes. */
    public boolean interfacesUp() { return interfacesUp; }

    /** Path MTUs learned per destination host (ICMP input writes them). */
    public PathMtuCache pathMtu() { return pathMtu; }

    /** The source address this host uses toward {@code dst}: the address of the route's interface, or 0. */
    public int sourceFor(int dst) {
        Route<IpInterface> r = routes.lookup(dst);
        return r == null ? 0 : r.iface().address();
    }

    /**
     * The MTU toward {@code dst}: the route's and its interface's, lowered by a learned path MTU; 0 without a
     * route. TCP derives its MSS from it (tcp_maxmtu).
     */
    public int mtuFor(int dst) {
        Route<IpInterface> r = routes.lookup(dst);
        if (r == null) return 0;
        int mtu = Math.min(r.mtu(), r.iface().mtu());
        int learned = pathMtu.mtu(dst);
        return learned == 0 ? mtu : Math.min(mtu, learned);
    }

    /** The MTU of the interface toward {@code dst}, ignoring learned path MTUs (the MSS option we announce). */
    public int linkMtuFor(int dst) {
        Route<IpInterface> r = routes.lookup(dst);
        return r == null ? 0 : Math.min(r.mtu(), r.iface().mtu());
    }

    /**
     * The TSO maximum toward {@code dst} (tcp_maxmtu's look at the route's interface: IFCAP_TSO4 and
     * {@code if_hw_tsomax}): the largest IPv4 packet the interface cuts into frames itself, or 0 if it does
     * not, if there is no route, or if the packet would loop back to this host instead of leaving.
     */
    public int tsoMaxFor(int dst) {
        Ifnet ifp = tsoInterfaceFor(dst);
        return ifp == null ? 0 : ifp.tsoMax();
    }

    /**
     * The interface packets to {@code dst} leave by, whose TSO limits ({@link Ifnet#tsoMax()},
     * {@link Ifnet#tsoMaxSegCount()}, {@link Ifnet#tsoMaxSegSize()}) TCP reads, as tcp_maxmtu fills its
     * {@code tcp_ifcap}; null if there is no route or the packet would loop back to this host.
     */
    public Ifnet tsoInterfaceFor(int dst) {
        Route<IpInterface> r = routes.lookup(dst);
        if (r == null || r.iface().isLoopback() || addresses.isOwnAddress(dst)) return null;
        return r.iface().ifnet();
    }

    /**
     * Sends transport datagram {@code m} (which has leading space for headers) from {@code src} (0: the
     * outgoing interface's address) to {@code dst}. Takes ownership.
     */
    public Result output(Mbuf m, int src, int dst, int protocol, int ttl, boolean dontFragment) {
        return output(m, src, dst, protocol, ttl, 0, dontFragment);
    }

    /** As {@link #output(Mbuf, int, int, int, int, boolean)}, with {@code tos} as the header's TOS byte. */
    public Result output(Mbuf m, int src, int dst, int protocol, int ttl, int tos, boolean dontFragment) {
        Route<IpInterface> r = routes.lookup(dst);
        if (r == null) {
            stats.increment(IpStat.NO_ROUTE);
            m.freeChain();
            return Result.NO_ROUTE;
        }
        if (!interfacesUp) { // ether_output's ENETDOWN for an interface not up: nothing is queued
            m.freeChain();
            return Result.NET_DOWN;
        }
        int total = m.pktLen() + Ipv4Header.MIN_LENGTH;
        if (total > 65535) {
            m.freeChain();
            return Result.TOO_BIG;
        }
        Mbuf p = m.prepend(Ipv4Header.MIN_LENGTH, Mbuf.M_NOWAIT);
        if (p == null) {
            stats.increment(IpStat.NO_BUFFERS);
            return Result.NO_BUFFERS;
        }
        int from = src != 0 ? src : r.iface().address();
        int id = nextId.getAndIncrement() & 0xffff;
        Ipv4Header.write(p.data(), tos, total, id, dontFragment ? Ipv4Header.FLAG_DF : 0, ttl, protocol, from, dst);
        stats.increment(IpStat.SENT);
        if (!r.iface().isLoopback() && addresses.isOwnAddress(dst)) {
            // To one of our own non-loopback addresses: straight back to input, never onto a wire (127/8
            // instead goes out lo0 by its route), as FreeBSD's if_simloop. Thread hand-off: netisr runs
            // IpInput.input now in this thread (direct dispatch; callers hold no protocol lock here) or in a
            // netisr worker. A broadcast is not one of our addresses: it goes out on the link only, so a
            // reply to a broadcast never comes back to us.
            stats.increment(IpStat.LOOPED);
            netisr.dispatch(NetisrProtocol.IP, p);
            return Result.SENT;
        }
        int mtu = Math.min(r.use(), r.iface().mtu());
        int learned = pathMtu.mtu(dst);
        return send(p, r, dst, dontFragment, learned == 0 ? mtu : Math.min(mtu, learned));
    }

    /**
     * Sends a complete IP packet (header included) along route {@code r}, whose use the caller counted and
     * whose MTU it passes: as is if it fits, else in fragments. Forwarding uses this too.
     */
    Result send(Mbuf p, Route<IpInterface> r, int dst, boolean dontFragment, int mtu) {
        IpInterface ifc = r.iface();
        int next = r.nextHop(dst);
        if (p.pktLen() <= mtu) return ifc.output(next, p) ? Result.SENT : Result.DROPPED;
        if ((p.pkthdr().csumFlags() & PacketHeader.CSUM_TSO) != 0) {
            // ip_output: a TSO packet goes to an interface that cuts it into frames, whatever its size;
            // one that does not (the route changed) gets EMSGSIZE, and TCP stops using TSO
            if (p.pktLen() <= ifc.ifnet().tsoMax()) return ifc.output(next, p) ? Result.SENT : Result.DROPPED;
            stats.increment(IpStat.CANT_FRAGMENT);
            p.freeChain();
            return Result.TOO_BIG;
        }
        if (dontFragment) {
            stats.increment(IpStat.CANT_FRAGMENT);
            p.freeChain();
            return Result.TOO_BIG;
        }
        return fragment(p, ifc, next, mtu);
    }

    /**
     * Splits packet {@code p} into fragments of at most {@code mtu} bytes, each a copy of the header and a
     * shared slice of the payload (m_copym shares clusters), and sends them in order. RFC 791: every
     * fragment but the last carries a multiple of 8 payload bytes and MF; the last keeps the original's MF,
     * so fragments of a fragment reassemble too.
     */
    private Result fragment(Mbuf p, IpInterface ifc, int next, int mtu) {
        Ipv4Header h;
        try {
            h = new Ipv4Header(p.data(), p.pktLen());
        } catch (MalformedPacketException e) {
            throw new IllegalStateException("a header this host built or validated no longer validates", e);
        }
        int hlen = h.headerLength();
        int total = h.totalLength();
        int baseOffset = h.fragmentOffset();
        boolean lastHadMf = h.moreFragments();
        int chunk = (mtu - hlen) & ~7;
        if (chunk <= 0) {
            p.freeChain();
            return Result.TOO_BIG;
        }
        stats.increment(IpStat.FRAGMENTED);
        Result result = Result.SENT;
        for (int off = hlen; off < total; off += chunk) {
            int len = Math.min(chunk, total - off);
            boolean mf = off + len < total || lastHadMf;
            Mbuf f = makeFragment(p, hlen, off, len, baseOffset + off - hlen, mf);
            if (f == null) {
                stats.increment(IpStat.NO_BUFFERS);
                result = Result.NO_BUFFERS;
                break;
            }
            stats.increment(IpStat.FRAGMENTS_CREATED);
            if (!ifc.output(next, f)) result = Result.DROPPED;
        }
        p.freeChain();
        return result;
    }

    /** A fragment: a private copy of the header (it is rewritten) and a shared slice of the payload. */
    private Mbuf makeFragment(Mbuf p, int hlen, int off, int len, int fragOffset, boolean mf) {
        byte[] hdr = new byte[hlen];
        p.copyData(0, hlen, hdr, 0);
        Mbuf h = alloc.fromBytes(hdr, 0, hlen, LINK_HEADROOM, Mbuf.M_NOWAIT);
        if (h == null) return null;
        Mbuf data = p.copyRange(off, len, Mbuf.M_NOWAIT);
        if (data == null) {
            h.freeChain();
            return null;
        }
        h.concat(data);
        Mbuf f = h.pullup(hlen);
        if (f == null) return null;
        Ipv4Header.rewriteForFragment(f.data(), hlen + len, (mf ? Ipv4Header.FLAG_MF : 0) | (fragOffset / 8));
        return f;
    }
}
