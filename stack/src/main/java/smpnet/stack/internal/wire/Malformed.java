package smpnet.stack.internal.wire;

/**
 * Why a header view refused its bytes. Each reason carries one preallocated, stackless exception: a
 * garbled frame is an ordinary event on a network, so rejecting it must cost no allocation and no stack
 * walk, and the protocol that catches it counts the reason as a drop.
 */
public enum Malformed {
    /** Fewer bytes than the fixed header (or than a length field promises). */
    TRUNCATED,
    /** A length field smaller than the header it describes. */
    BAD_LENGTH,
    /** IPv4 version field is not 4. */
    BAD_VERSION,
    /** IPv4 header length below 5 words or beyond the packet. */
    BAD_HEADER_LENGTH,
    /** A TCP data offset below 5 words or beyond the segment (FreeBSD counts it as tcps_rcvbadoff). */
    BAD_OFFSET,
    /** Header or datagram checksum does not verify. */
    BAD_CHECKSUM,
    /** An IPv4 option whose length byte is missing, below 2, or runs past the header. */
    BAD_OPTION,
    /** A record route or timestamp option whose pointer is below its first slot (RFC 791 3.1). */
    BAD_OPTION_POINTER,
    /** A loose or strict source route option (RFC 791 3.1): refused, as most stacks do by default. */
    SOURCE_ROUTE,
    /** ARP for a hardware or protocol type other than Ethernet/IPv4, or wrong address lengths. */
    UNSUPPORTED_FORMAT;

    private final MalformedPacketException exception = new MalformedPacketException(this);

    /** The shared exception for this reason, ready to throw. */
    public MalformedPacketException exception() { return exception; }
}
