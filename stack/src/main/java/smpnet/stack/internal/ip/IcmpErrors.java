package smpnet.stack.internal.ip;

import smpnet.stack.mbuf.Mbuf;

/** How IP asks ICMP to report a problem with a packet to its sender (icmp_error). */
public interface IcmpErrors {
    /**
     * Sends an ICMP error of {@code type}/{@code code} about {@code original} (which still starts with its
     * IP header) if RFC 1122 3.2.2 allows one, and frees {@code original}. {@code rest} is the next-hop
     * MTU for "fragmentation needed" (RFC 1191 4), the pointer (in the top byte) for a parameter problem
     * (RFC 792), else 0.
     */
    void error(Mbuf original, int type, int code, int rest);
}
