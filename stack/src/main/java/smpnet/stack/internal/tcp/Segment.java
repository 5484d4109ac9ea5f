package smpnet.stack.internal.tcp;

import smpnet.stack.mbuf.Mbuf;

/**
 * An arriving segment as input sees it after validation: the header fields, the parsed options, and the
 * payload ({@code tlen} bytes of {@code m} from {@code dataOff}). Input trims it ({@code seq}, {@code
 * dataOff} and {@code tlen} move together) as RFC 9293 3.10.7.4 trims a segment to the window.
 */
final class Segment {
    final int src;
    final int dst;
    final int sport;
    final int dport;
    int seq;
    final int ack;
    int flags;
    /** The window field as sent (not yet scaled). */
    final int win;
    final TcpOptions.Parsed opts;
    /** The whole IP packet; owned by input until it is freed or its bytes copied out. */
    Mbuf m;
    int dataOff;
    int tlen;
    /** The urgent pointer field (an offset from {@code seq}); meaningful with URG, 0 when trimmed away. */
    int urp;
    /** The IP header's TOS byte (its low two bits are the ECN field, RFC 3168 5). */
    int iptos;
    /**
     * How many received segments this one stands for: more than 1 when large receive offload merged them
     * (the packet header's {@code lroNsegs}, FreeBSD's {@code nsegs = max(1, lro_nsegs)}).
     */
    int nsegs = 1;
    /** The remote UDP port it came through the UDP tunnel from (TCP over UDP), 0 for a plain segment. */
    int port;
    /** Where the TCP header is in {@code m} (after the IP header, and the UDP header of a tunneled segment). */
    int th;

    Segment(int src, int dst, int sport, int dport, int seq, int ack, int flags, int win, TcpOptions.Parsed opts,
            Mbuf m, int dataOff, int tlen) {
        this.src = src;
        this.dst = dst;
        this.sport = sport;
        this.dport = dport;
        this.seq = seq;
        this.ack = ack;
        this.flags = flags;
        this.win = win;
        this.opts = opts;
        this.m = m;
        this.dataOff = dataOff;
        this.tlen = tlen;
    }

    boolean has(int f) { return (flags & f) != 0; }

    boolean hasTs() { return opts != null && opts.hasTimestamp(); }

    /**
     * Drops {@code n} bytes from the front of the payload (the sequence number moves with them, and the urgent
     * pointer, an offset from it, moves back; trimmed away, it is gone, as tcp_do_segment clears TH_URG).
     */
    void trimFront(int n) {
        seq += n;
        dataOff += n;
        tlen -= n;
        urp = urp > n ? urp - n : 0;
    }

    /** Frees the packet (idempotent). */
    void free() {
        if (m != null) {
            m.freeChain();
            m = null;
        }
    }
}
