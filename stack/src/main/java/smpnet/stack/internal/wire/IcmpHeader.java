package smpnet.stack.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * An ICMP message view (RFC 792): type, code, checksum over the whole message, and a 4-byte
 * type-specific word (identifier and sequence for echo; next-hop MTU for "fragmentation needed",
 * RFC 1191 4).
 *
 * <pre>
 *  0    1    2        4                 8
 *  |type|code|checksum|  rest of header | data ...
 * </pre>
 */
public final class IcmpHeader {
    public static final int LENGTH = 8;
    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAG_NEEDED = 4;
    public static final int CODE_TTL_EXCEEDED = 0;
    public static final int CODE_REASSEMBLY_EXCEEDED = 1;

    private final MemorySegment s;

    /**
     * Views the ICMP header at the start of {@code s}. The checksum covers the whole message, which may
     * span buffers, so the protocol verifies it ({@link Checksum}) before trusting the view.
     */
    public IcmpHeader(MemorySegment s) throws MalformedPacketException {
        if (s.byteSize() < LENGTH) throw Malformed.TRUNCATED.exception();
        this.s = s;
    }

    public int type() { return Bytes.u8(s, 0); }

    public int code() { return Bytes.u8(s, 1); }

    public int identifier() { return Bytes.u16(s, 4); }

    public int sequence() { return Bytes.u16(s, 6); }

    public int nextHopMtu() { return Bytes.u16(s, 6); }

    /** Writes the header with a zero checksum; the caller sums the message and calls {@link #setChecksum}. */
    public static void write(MemorySegment s, int type, int code, int restOfHeader) {
        Bytes.put8(s, 0, type);
        Bytes.put8(s, 1, code);
        Bytes.put16(s, 2, 0);
        Bytes.put32(s, 4, restOfHeader);
    }

    /** Turns an echo request into its reply in place and clears the checksum (RFC 792 "Echo"). */
    public static void makeEchoReply(MemorySegment s) {
        Bytes.put8(s, 0, ECHO_REPLY);
        Bytes.put16(s, 2, 0);
    }

    public static void setChecksum(MemorySegment s, int checksum) { Bytes.put16(s, 2, checksum); }
}
