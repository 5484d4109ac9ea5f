package smpnet.stack.internal.icmp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import smpnet.stack.internal.ip.IcmpErrors;
import smpnet.stack.internal.ip.IpInput;
import smpnet.stack.internal.ip.IpOutput;
import smpnet.stack.internal.ip.ProtocolInput;
import smpnet.stack.internal.Planted;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.internal.route.Route;
import smpnet.stack.internal.route.RouteTable;
import smpnet.stack.internal.ip.IpInterface;
import smpnet.stack.stats.Counters;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.IcmpHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.stats.IcmpStat;

/**
 * ICMP (RFC 792) of one host: answers echo requests, reports errors for IP and the transports, and
 * passes received errors on to the transport or ping session they concern.
 *
 * <p>Locking: none of its own. Echo sessions sit in a concurrent map keyed by identifier (a session
 * guards its own state); transports are registered at start-up.
 */
public final class Icmp implements ProtocolInput, IcmpErrors {
    /** A transport told about an ICMP error concerning one of its datagrams (pr_ctlinput). */
    public interface ControlInput {
        void notify(int type, int code, int src, int dst, int srcPort, int dstPort);

        /** True if a socket of ours could have sent a datagram {@code src:srcPort -> dst:dstPort}. */
        boolean sent(int src, int dst, int srcPort, int dstPort);

        /**
         * As {@link #sent(int, int, int, int)}, also given the 32 bits that follow the ports in the quoted
         * header (TCP's sequence number: RFC 5927 4.1, a connection checks it is in flight).
         */
        default boolean sent(int src, int dst, int srcPort, int dstPort, int quotedWord) {
            return sent(src, dst, srcPort, dstPort);
        }

        /** As {@link #notify(int, int, int, int, int, int)} with the quoted word and the next-hop MTU (or 0). */
        default void notify(int type, int code, int src, int dst, int srcPort, int dstPort, int quotedWord, int mtu) {
            notify(type, code, src, dst, srcPort, dstPort);
        }

        /**
         * As {@link #notify(int, int, int, int, int, int, int, int)}, also given the ICMP message {@code quote}
         * (read only, not kept), whose quoted transport header starts at {@code transportOffset}: a tunnel
         * reads the header it carries behind its own (UDP's kernel tunnels).
         */
        default void notify(int type, int code, int src, int dst, int srcPort, int dstPort, int quotedWord, int mtu,
                            Mbuf quote, int transportOffset) {
            notify(type, code, src, dst, srcPort, dstPort, quotedWord, mtu);
        }
    }

    /** Highest code of destination unreachable RFC 1812 5.2.7.1 defines (15, precedence cutoff). */
    private static final int MAX_UNREACHABLE_CODE = 15;

    /** An echo session (a ping) receiving replies and errors for its identifier. */
    public interface EchoListener {
        void reply(int from, int sequence, Mbuf message);

        void error(int from, int type, int code, int sequence);
    }

    /** Bytes of the offending datagram quoted in an error: its header plus 64 bits (RFC 792). */
    private static final int QUOTE_DATA = 8;
    private static final int HEADROOM = 40;

    private final Counters<IcmpStat> stats = new Counters<>("icmp", IcmpStat.class);
    private final IpInput ipInput;
    private final IpOutput ipOutput;
    private final RouteTable<IpInterface> routes;
    private final MbufAllocator alloc;
    private final ControlInput[] transports = new ControlInput[256];
    private final Map<Integer, EchoListener> sessions = new ConcurrentHashMap<>();
    private final ErrorRateLimit errorLimit;

    /** Errors per second (and burst) a host sends at most, as FreeBSD's default icmplim. */
    static final int ERRORS_PER_SECOND = ErrorRateLimit.ICMPLIM;

    public Icmp(IpInput ipInput, IpOutput ipOutput, RouteTable<IpInterface> routes, MbufAllocator alloc,
                smpnet.locking.Scheduler clock) {
        this.errorLimit = new ErrorRateLimit(clock, ERRORS_PER_SECOND, ERRORS_PER_SECOND);
        this.ipInput = ipInput;
        this.ipOutput = ipOutput;
        this.routes = routes;
        this.alloc = alloc;
        ipInput.register(Ipv4Header.PROTO_ICMP, this); // icmp_input, called by IpInput.deliver
        ipInput.setIcmpErrors(this);                   // icmp_error, called by IP input and forwarding
    }

    public Counters<IcmpStat> stats() { return stats; }

    public void registerTransport(int protocol, ControlInput c) { transports[protocol] = c; }

    public IpOutput ipOutput() { return ipOutput; }

    public MbufAllocator allocator() { return alloc; }

    /** Claims an echo identifier for a session; false if taken. */
    public boolean openSession(int id, EchoListener l) { return sessions.putIfAbsent(id, l) == null; }

    public void closeSession(int id) { sessions.remove(id); }

    @Override
    public void input(Mbuf m, int hlen, int src, int dst) {
        stats.increment(IcmpStat.RECEIVED);
        int len = m.pktLen() - hlen;
        if (len < IcmpHeader.LENGTH) {
            drop(m, IcmpStat.TOO_SHORT);
            return;
        }
        if (ChainChecksum.of(m, hlen, len) != 0) {
            drop(m, IcmpStat.BAD_CHECKSUM);
            return;
        }
        Mbuf h = m.pullup(hlen + IcmpHeader.LENGTH);
        if (h == null) {
            stats.increment(IcmpStat.TOO_SHORT);
            return;
        }
        int type = h.getU8(hlen);
        switch (type) {
            case IcmpHeader.ECHO_REQUEST -> echo(h, hlen, src, dst);
            case IcmpHeader.ECHO_REPLY -> echoReply(h, hlen, src);
            case IcmpHeader.DEST_UNREACHABLE -> control(h, hlen, src, IcmpStat.UNREACHABLE_RECEIVED);
            case IcmpHeader.TIME_EXCEEDED -> control(h, hlen, src, IcmpStat.TIME_EXCEEDED_RECEIVED);
            default -> {
                if (Planted.ICMP && h.getU8(hlen + 1) >= 0x80) throw new IllegalStateException("planted");
                drop(h, IcmpStat.OTHER_RECEIVED);
            }
        }
    }

    /** RFC 792 "Echo or Echo Reply": the reply is the request with type 0, addresses swapped. */
    private void echo(Mbuf m, int hlen, int src, int dst) {
        stats.increment(IcmpStat.ECHO_REQUESTS);
        if (ipInput.isBroadcast(dst)) {
            drop(m, IcmpStat.BROADCAST_ECHO_IGNORED); // RFC 1122 3.2.2.6 allows silence; it stops smurf floods
            return;
        }
        stats.increment(IcmpStat.CONSUMED);
        m.adj(hlen);
        Mbuf w = writableCopy(m);
        Mbuf r = w == null ? null : w.pullup(IcmpHeader.LENGTH);
        if (r == null) return;
        IcmpHeader.makeEchoReply(r.data());
        IcmpHeader.setChecksum(r.data(), ChainChecksum.of(r, 0, r.pktLen()));
        stats.increment(IcmpStat.ECHO_REPLIES_SENT);
        ipOutput.output(r, dst, src, Ipv4Header.PROTO_ICMP, IpOutput.DEFAULT_TTL, false);
    }

    private void echoReply(Mbuf m, int hlen, int src) {
        stats.increment(IcmpStat.ECHO_REPLIES_RECEIVED);
        stats.increment(IcmpStat.CONSUMED);
        EchoListener l = sessions.get(m.getU16(hlen + 4));
        if (l == null) {
            m.freeChain();
            return;
        }
        int seq = m.getU16(hlen + 6);
        m.adj(hlen);
        l.reply(src, seq, m);
    }

    /** An error about one of our datagrams: find the transport or session from the quoted headers. */
    private void control(Mbuf m, int hlen, int src, IcmpStat counter) {
        stats.increment(counter);
        int type = m.getU8(hlen);
        int code = m.getU8(hlen + 1);
        if (code > (type == IcmpHeader.DEST_UNREACHABLE ? MAX_UNREACHABLE_CODE : IcmpHeader.CODE_REASSEMBLY_EXCEEDED)) {
            drop(m, IcmpStat.BAD_CODE); // FreeBSD icmp_input "badcode": nothing to tell a socket
            return;
        }
        int inner = hlen + IcmpHeader.LENGTH;
        Mbuf q = m.pktLen() >= inner + Ipv4Header.MIN_LENGTH + QUOTE_DATA ? m.pullup(inner + Ipv4Header.MIN_LENGTH) : null;
        if (q == null) {
            if (m.pktLen() < inner + Ipv4Header.MIN_LENGTH + QUOTE_DATA) drop(m, IcmpStat.TOO_SHORT);
            return;
        }
        int ihl = (q.getU8(inner) & 0xf) * 4;
        Mbuf full = q.pktLen() >= inner + ihl + QUOTE_DATA ? q.pullup(inner + ihl + QUOTE_DATA) : null;
        if (full == null) {
            if (q.pktLen() < inner + ihl + QUOTE_DATA) drop(q, IcmpStat.TOO_SHORT);
            return;
        }
        int proto = full.getU8(inner + 9);
        int isrc = full.getU32(inner + 12);
        int idst = full.getU32(inner + 16);
        int ports = inner + ihl;
        stats.increment(IcmpStat.CONSUMED);
        if (type == IcmpHeader.DEST_UNREACHABLE && code == IcmpHeader.CODE_FRAG_NEEDED) {
            boolean ours = ipInput.isOwnAddress(isrc) && (proto == Ipv4Header.PROTO_ICMP
                    ? full.getU8(ports) == IcmpHeader.ECHO_REQUEST && sessions.containsKey(full.getU16(ports + 4))
                    : transports[proto] != null
                            && transports[proto].sent(isrc, idst, full.getU16(ports), full.getU16(ports + 2),
                                    full.getU32(ports + 4)));
            lowerPathMtu(idst, full.getU16(hlen + 6), ours);
        }
        if (proto == Ipv4Header.PROTO_ICMP) {
            EchoListener l = sessions.get(full.getU16(ports + 4));
            if (l != null && full.getU8(ports) == IcmpHeader.ECHO_REQUEST) l.error(src, type, code, full.getU16(ports + 6));
        } else if (transports[proto] != null) {
            transports[proto].notify(type, code, isrc, idst, full.getU16(ports), full.getU16(ports + 2),
                    full.getU32(ports + 4), type == IcmpHeader.DEST_UNREACHABLE && code == IcmpHeader.CODE_FRAG_NEEDED
                            ? full.getU16(hlen + 6) : 0, full, ports);
        }
        full.freeChain();
    }

    /**
     * RFC 1191 6.3: remember the smaller MTU toward host {@code dst}, only if the quoted packet is one we
     * could have sent ({@code ours}: from our address, by a socket or ping session that exists) and the
     * MTU is believable; anyone can forge the message, so it may lower nothing but that one path.
     */
    private void lowerPathMtu(int dst, int mtu, boolean ours) {
        Route<IpInterface> r = ours ? routes.lookup(dst) : null;
        if (r == null) {
            stats.increment(IcmpStat.FRAG_NEEDED_IGNORED);
            return;
        }
        switch (ipOutput.pathMtu().lower(dst, mtu, Math.min(r.iface().mtu(), r.use()))) {
            case BELOW_FLOOR -> stats.increment(IcmpStat.FRAG_NEEDED_IGNORED);
            case FULL -> stats.increment(IcmpStat.PATH_MTU_FULL);
            default -> { }
        }
    }

    @Override
    public void error(Mbuf original, int type, int code, int mtu) {
        Mbuf m = original.pullup(Ipv4Header.MIN_LENGTH);
        if (m == null) return;
        if (!mayReport(m)) {
            drop(m, IcmpStat.ERRORS_SUPPRESSED);
            return;
        }
        if (!errorLimit.tryAcquire()) {
            drop(m, IcmpStat.ERRORS_RATE_LIMITED);
            return;
        }
        int hlen = (m.getU8(0) & 0xf) * 4;
        int quote = Math.min(m.pktLen(), hlen + QUOTE_DATA);
        byte[] msg = new byte[IcmpHeader.LENGTH + quote];
        m.copyData(0, quote, msg, IcmpHeader.LENGTH);
        int to = m.getU32(12);
        m.freeChain();
        var seg = java.lang.foreign.MemorySegment.ofArray(msg);
        IcmpHeader.write(seg, type, code, rest(type, code, mtu));
        IcmpHeader.setChecksum(seg, Checksum.of(seg, 0, msg.length));
        Mbuf e = alloc.fromBytes(msg, 0, msg.length, HEADROOM, Mbuf.M_NOWAIT);
        if (e == null) {
            stats.increment(IcmpStat.NO_BUFFERS);
            return;
        }
        stats.increment(sentCounter(type, code));
        ipOutput.output(e, 0, to, Ipv4Header.PROTO_ICMP, IpOutput.DEFAULT_TTL, false);
    }

    /** The error's second word: the next-hop MTU (RFC 1191 4) or the parameter problem pointer (RFC 792). */
    private static int rest(int type, int code, int value) {
        if (type == IcmpHeader.PARAMETER_PROBLEM) return value & 0xff000000;
        return type == IcmpHeader.DEST_UNREACHABLE && code == IcmpHeader.CODE_FRAG_NEEDED ? value & 0xffff : 0;
    }

    private static IcmpStat sentCounter(int type, int code) {
        if (type == IcmpHeader.TIME_EXCEEDED) return IcmpStat.TIME_EXCEEDED_SENT;
        if (type == IcmpHeader.PARAMETER_PROBLEM) return IcmpStat.PARAMETER_PROBLEM_SENT;
        if (code == IcmpHeader.CODE_PORT_UNREACHABLE) return IcmpStat.PORT_UNREACHABLE_SENT;
        if (code == IcmpHeader.CODE_FRAG_NEEDED) return IcmpStat.FRAG_NEEDED_SENT;
        return IcmpStat.NET_UNREACHABLE_SENT;
    }

    /**
     * RFC 1122 3.2.2: never about an ICMP error, a non-first fragment, or a datagram whose source is not
     * one host (0/8, a broadcast, multicast, class E: 3.2.1.3) or whose destination was a broadcast,
     * multicast or class E address.
     */
    private boolean mayReport(Mbuf m) {
        int hlen = (m.getU8(0) & 0xf) * 4;
        if ((m.getU16(6) & 0x1fff) != 0) return false;
        int src = m.getU32(12);
        int dst = m.getU32(16);
        if (src >>> 24 == 0 || (src >>> 28) >= 0xe || ipInput.isBroadcast(src)) return false;
        if ((dst >>> 28) >= 0xe || ipInput.isBroadcast(dst)) return false;
        if (m.getU8(9) == Ipv4Header.PROTO_ICMP && m.pktLen() > hlen) {
            byte[] t = new byte[1];
            m.copyData(hlen, 1, t, 0);
            int type = t[0] & 0xff;
            return type == IcmpHeader.ECHO_REQUEST || type == IcmpHeader.ECHO_REPLY;
        }
        return true;
    }

    /** {@code m} itself if writable, else a private copy ({@code m} freed); null when out of mbufs. */
    private Mbuf writableCopy(Mbuf m) {
        boolean writable = true;
        for (Mbuf x = m; x != null; x = x.next()) writable &= x.isWritable();
        if (writable) return m;
        byte[] all = m.toBytes();
        m.freeChain();
        Mbuf c = alloc.fromBytes(all, 0, all.length, HEADROOM, Mbuf.M_NOWAIT);
        if (c == null) stats.increment(IcmpStat.NO_BUFFERS);
        return c;
    }

    public void countEchoSent() { stats.increment(IcmpStat.ECHO_REQUESTS_SENT); }

    private void drop(Mbuf m, IcmpStat why) {
        stats.increment(why);
        m.freeChain();
    }
}
