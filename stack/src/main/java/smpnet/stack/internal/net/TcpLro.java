package smpnet.stack.internal.net;

import smpnet.stack.internal.stats.CpuCounters;
import smpnet.stack.internal.wire.ChainChecksum;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.wire.TcpHeader;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.PacketHeader;

/**
 * Large receive offload of one receive queue (FreeBSD's {@code struct lro_ctrl} and {@code tcp_lro.c}): in
 * the interrupt thread's batch, consecutive in-order TCP segments of one flow are merged into one packet, so
 * IP and TCP input run once for up to 64 KB instead of once per 1448-byte segment.
 *
 * <p>A frame may be merged ({@link #rx}) when it is an Ethernet frame to this interface's MAC carrying IPv4
 * without options or fragmentation, TCP with ACK (and maybe PSH) and no other flag, no option or only the
 * timestamp option in its usual NOP, NOP, TS layout, and at least one byte of data; its IP header and TCP
 * checksums are checked here, as hardware would (a bad one is counted and the frame goes on alone, so the
 * stack counts it too), unless the frame carries {@link #CSUM_SENDER_NIC}: the simulated NIC that sent it
 * computed those checksums itself (TSO) and an exact {@code Wire} carried it here unchanged, so checking
 * them again could only find them valid ({@link #vouched} counts those frames; the bit is cleared here). Its flow's entry takes it when its sequence number continues the entry's, its ACK
 * and window do not go back, its timestamps do not go back and its TOS byte is the entry's; otherwise the
 * entry is flushed and the frame starts a new one.
 *
 * <pre>
 *  the merged packet:  [eth | ip (len = sum) | tcp (last ack, win, TSval, TSecr) | data 1] -> [data 2] -> ...
 *                      the first frame, headers rewritten       the next frames, headers trimmed (m_adj)
 * </pre>
 *
 * The payloads are chained by reference (only a small frame's data may be moved into the previous mbuf's
 * room, as m_cat does). The merged packet's IP header checksum is recomputed; its TCP checksum field keeps
 * the first segment's value, as FreeBSD leaves it, and the packet header says the device checked it
 * ({@code CSUM_DATA_VALID | CSUM_PSEUDO_HDR}, {@code csumData} 0xffff; {@code CSUM_IP_CHECKED |
 * CSUM_IP_VALID}) and holds the number of segments ({@link PacketHeader#lroNsegs}).
 *
 * <p>Order: an entry is flushed ({@code tcp_lro_flush}) when it cannot take the next segment of its flow or
 * is full (65,535 bytes of IP packet), together with every entry started before it; all of them are flushed
 * at the end of each batch ({@code tcp_lro_flush_all}) and before any frame that is not merged is handed up.
 * So packets go up in the order their first frames arrived: a frame that goes up alone keeps its place, and
 * the segments of one flow stay in order.
 *
 * <p>Locking key: none. A {@code TcpLro} belongs to one receive queue and is used only by that queue's
 * interrupt thread, inside its batch ({@link Ifnet#inputBatch}); it holds no frame once the batch ends. Its
 * counters are per-CPU counters, which any thread may read.
 */
public final class TcpLro {
    /** Entries held at once (FreeBSD's {@code TCP_LRO_ENTRIES}). */
    public static final int ENTRIES = 8;
    /**
     * A receive-side mark in {@link PacketHeader#csumFlags()}, set and cleared only by the simulated devices:
     * the NIC that sent this frame wrote its IPv4 header and TCP checksums itself (its TSO cut the frame),
     * and nothing but an exact wire (one that delivers the bytes sent, by reference or copied) has carried it
     * since. What real hardware checks for free, the simulated one would check on the CPU over bytes it
     * knows: {@link #rx} takes the checksums of such a frame as checked, and clears the mark.
     */
    public static final int CSUM_SENDER_NIC = 1 << 16;
    /** The largest IP packet a merged packet may grow to (FreeBSD's {@code TCP_LRO_LENGTH_MAX}). */
    static final int MAX_IP_LENGTH = 65535;

    private static final int ETH = EthernetHeader.LENGTH;
    private static final int IP = ETH;
    private static final int TCP = ETH + Ipv4Header.MIN_LENGTH;
    /** NOP, NOP, kind 8, length 10: the timestamp option as every stack lays it out (TCPOPT_TSTAMP_HDR). */
    private static final int TSTAMP_HDR = 0x0101080a;
    private static final int TS_LENGTH = TcpHeader.MIN_LENGTH + 12;
    private static final int ACK = TcpHeader.ACK;
    private static final int PSH = TcpHeader.PSH;

    private static final int QUEUED = 0;
    private static final int FLUSHED = 1;
    private static final int MERGED = 2;
    private static final int BAD_CSUM = 3;
    private static final int VOUCHED = 4;

    private final Ifnet ifp;
    private final CpuCounters counters = new CpuCounters(5);
    /** Entries in use, in the order they were started: [0, active). */
    private final Entry[] entries = new Entry[ENTRIES];
    private int active;
    /** Scratch for {@link #flush}: the entries going up. */
    private final Entry[] flushing = new Entry[ENTRIES];

    /** The merge state of one flow (FreeBSD's {@code struct lro_entry}). */
    private static final class Entry {
        int src;
        int dst;
        int ports;
        int tos;
        boolean hasTs;
        /** The merged packet: the first frame, headers kept; {@code tail} is its last mbuf. */
        Mbuf head;
        Mbuf tail;
        int ipLen;
        int nextSeq;
        int ack;
        int win;
        int tsval;
        int tsecr;
        boolean push;
        int nsegs;
    }

    public TcpLro(Ifnet ifp) {
        this.ifp = ifp;
        for (int i = 0; i < ENTRIES; i++) entries[i] = new Entry();
    }

    /** Counters: segments queued into an entry (FreeBSD's {@code lro_queued}). */
    public long queued() { return counters.sum(QUEUED); }

    /** Packets flushed up, merged or alone (FreeBSD's {@code lro_flushed}). */
    public long flushed() { return counters.sum(FLUSHED); }

    /** Segments appended to another's packet (each saves one run of IP and TCP input). */
    public long merged() { return counters.sum(MERGED); }

    /** Segments not merged because their IP header or TCP checksum was wrong (FreeBSD's {@code lro_bad_csum}). */
    public long badChecksums() { return counters.sum(BAD_CSUM); }

    /**
     * Segments whose checksums were not checked here because the sending NIC computed them and an exact
     * wire carried them ({@link #CSUM_SENDER_NIC}); each is one of {@link #queued()} or went up alone.
     */
    public long vouched() { return counters.sum(VOUCHED); }

    /**
     * {@code tcp_lro_rx}: takes {@code m} (an Ethernet frame, already counted and captured) into an entry and
     * returns true, or returns false and leaves it to the caller, who must {@link #flushAll} before handing
     * it up alone.
     */
    boolean rx(Mbuf m) {
        PacketHeader h = m.pkthdr();
        int csumFlags = h.csumFlags();
        boolean vouched = (csumFlags & CSUM_SENDER_NIC) != 0;
        if (vouched) h.setCsumFlags(csumFlags & ~CSUM_SENDER_NIC); // the mark stops at this queue
        if (m.len() < TCP + TcpHeader.MIN_LENGTH) return false;
        if (m.getU16(12) != EthernetHeader.TYPE_IPV4) return false;
        long ourMac = ifp.mac().bits();
        if (ourMac != 0 && ((long) m.getU16(0) << 32 | (m.getU32(2) & 0xffff_ffffL)) != ourMac) return false;
        if (m.getU8(IP) != 0x45 || m.getU8(IP + 9) != Ipv4Header.PROTO_TCP) return false; // IPv4, no options
        if ((m.getU16(IP + 6) & (Ipv4Header.FLAG_MF | 0x1fff)) != 0) return false;   // not a fragment
        int ipLen = m.getU16(IP + 2);
        int src = m.getU32(IP + 12);
        int dst = m.getU32(IP + 16);
        if (src == 0 || dst == 0 || ipLen < Ipv4Header.MIN_LENGTH + TcpHeader.MIN_LENGTH) return false;
        int thLen = (m.getU8(TCP + 12) >>> 4) * 4;
        int flags = m.getU8(TCP + 13);
        if ((flags & ~(ACK | PSH)) != 0 || (flags & ACK) == 0) return false;
        boolean hasTs = thLen == TS_LENGTH;
        if (!hasTs && thLen != TcpHeader.MIN_LENGTH) return false;
        if (m.len() < TCP + thLen || (hasTs && m.getU32(TCP + TcpHeader.MIN_LENGTH) != TSTAMP_HDR)) return false;
        int tlen = ipLen - Ipv4Header.MIN_LENGTH - thLen;
        if (tlen <= 0 || m.pktLen() < ETH + ipLen) return false;
        if (m.pktLen() > ETH + ipLen) m.adj(ETH + ipLen - m.pktLen()); // Ethernet padding
        // The device's checks: a frame failing them goes up alone, for IP or TCP to count. A frame the
        // sending NIC checksummed and an exact wire carried has nothing to fail.
        if (vouched) {
            counters.increment(VOUCHED);
        } else if (Checksum.of(m.data(), IP, Ipv4Header.MIN_LENGTH) != 0
                || ChainChecksum.withPseudoHeader(m, TCP, ipLen - Ipv4Header.MIN_LENGTH, src, dst,
                        Ipv4Header.PROTO_TCP) != 0) {
            counters.increment(BAD_CSUM);
            return false;
        }
        int ports = m.getU32(TCP);
        int seq = m.getU32(TCP + 4);
        int ack = m.getU32(TCP + 8);
        int win = m.getU16(TCP + 14);
        int tos = m.getU8(IP + 1);
        int tsval = hasTs ? m.getU32(TCP + 24) : 0;
        int tsecr = hasTs ? m.getU32(TCP + 28) : 0;
        Entry e = lookup(src, dst, ports);
        if (e != null) {
            // sequence-space comparisons (RFC 9293 3.4; RFC 7323 5.2 for timestamps): a - b >= 0 is "a at or after b"
            boolean continues = seq == e.nextSeq && tos == e.tos && hasTs == e.hasTs
                    && (ack - e.ack > 0 || (ack == e.ack && win >= e.win))
                    && (!hasTs || (tsval - e.tsval >= 0 && tsecr - e.tsecr >= 0));
            if (continues && e.ipLen + tlen <= MAX_IP_LENGTH) {
                append(e, m, thLen, tlen, ack, win, tsval, tsecr, (flags & PSH) != 0);
                return true;
            }
            flush(e); // out of order, or full: its packet goes up (after older ones), this segment starts the flow's next
        } else if (active == ENTRIES) {
            return false; // no room: the caller flushes every entry, then hands this frame up
        }
        return start(m, src, dst, ports, tos, hasTs, ipLen, seq + tlen, ack, win, tsval, tsecr, (flags & PSH) != 0);
    }

    private Entry lookup(int src, int dst, int ports) {
        for (int i = 0; i < active; i++) {
            Entry e = entries[i];
            if (e.ports == ports && e.src == src && e.dst == dst) return e;
        }
        return null;
    }

    private boolean start(Mbuf m, int src, int dst, int ports, int tos, boolean hasTs, int ipLen, int nextSeq,
                          int ack, int win, int tsval, int tsecr, boolean push) {
        if (!m.isWritable()) return false; // shared storage: its headers cannot be rewritten in place
        Entry e = entries[active++];
        e.src = src;
        e.dst = dst;
        e.ports = ports;
        e.tos = tos;
        e.hasTs = hasTs;
        e.head = m;
        e.tail = lastOf(m);
        e.ipLen = ipLen;
        e.nextSeq = nextSeq;
        e.ack = ack;
        e.win = win;
        e.tsval = tsval;
        e.tsecr = tsecr;
        e.push = push;
        e.nsegs = 1;
        counters.increment(QUEUED);
        return true;
    }

    /** Chains {@code m}'s data (its headers trimmed) to the entry's packet, and takes its ACK, window, timestamps. */
    private void append(Entry e, Mbuf m, int thLen, int tlen, int ack, int win, int tsval, int tsecr, boolean push) {
        m.adj(TCP + thLen);
        Mbuf oldTail = e.tail;
        oldTail.concat(m); // m_cat: m may be freed (its data moved into the tail's room) or linked as it is
        if (oldTail != e.head) e.head.pkthdr().setPktLen(e.head.pktLen() + tlen); // concat updates only a header mbuf's
        e.tail = lastOf(oldTail);
        e.ipLen += tlen;
        e.nextSeq += tlen;
        e.ack = ack;
        e.win = win;
        e.tsval = tsval;
        e.tsecr = tsecr;
        e.push |= push;
        e.nsegs++;
        counters.add2(QUEUED, 1, MERGED, 1);
        if (e.ipLen + tlen > MAX_IP_LENGTH) flush(e); // another segment of this size would not fit
    }

    private static Mbuf lastOf(Mbuf m) {
        Mbuf x = m;
        while (x.next() != null) x = x.next();
        return x;
    }

    /** {@code tcp_lro_flush_all}: every entry goes up, in the order they were started. */
    void flushAll() {
        int n = active;
        for (int i = 0; i < n; i++) send(entries[i]);
        active = 0;
    }

    /**
     * {@code tcp_lro_flush} of entry {@code e}, and of every entry started before it: their packets go up in
     * the order they were started, so packets always go up in the order their first frames arrived; the
     * entries started after {@code e} stay held, in their order.
     */
    private void flush(Entry e) {
        int n = 0;
        while (entries[n] != e) n++;
        n++;
        System.arraycopy(entries, 0, flushing, 0, n);
        System.arraycopy(entries, n, entries, 0, active - n);
        System.arraycopy(flushing, 0, entries, active - n, n);
        active -= n;
        for (int i = 0; i < n; i++) send(flushing[i]);
    }

    /** Rewrites the first frame's headers for the merged packet, marks it checked and hands it up. */
    private void send(Entry e) {
        Mbuf m = e.head;
        e.head = null;
        e.tail = null;
        if (e.nsegs > 1) {
            m.putU16(IP + 2, e.ipLen);
            m.putU16(IP + 10, 0);
            m.putU16(IP + 10, Checksum.of(m.data(), IP, Ipv4Header.MIN_LENGTH));
            m.putU32(TCP + 8, e.ack);
            m.putU16(TCP + 14, e.win);
            if (e.push) m.putU8(TCP + 13, m.getU8(TCP + 13) | PSH);
            if (e.hasTs) {
                m.putU32(TCP + 24, e.tsval);
                m.putU32(TCP + 28, e.tsecr);
            }
        }
        PacketHeader h = m.pkthdr();
        h.setCsumFlags(h.csumFlags() | PacketHeader.CSUM_IP_CHECKED | PacketHeader.CSUM_IP_VALID
                | PacketHeader.CSUM_DATA_VALID | PacketHeader.CSUM_PSEUDO_HDR).setCsumData(0xffff);
        h.setLroNsegs(e.nsegs);
        counters.increment(FLUSHED);
        ifp.input(m);
    }

    /** Frees whatever an entry still holds (a batch that ended by an exception); normally nothing. */
    void discard() {
        for (Entry e : entries) {
            if (e.head != null) e.head.freeChain(); // not yet sent: send() takes the head before input
            e.head = null;
            e.tail = null;
        }
        active = 0;
    }
}
