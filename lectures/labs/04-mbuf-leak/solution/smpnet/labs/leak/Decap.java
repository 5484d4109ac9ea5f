package smpnet.labs.leak;

import java.util.HashMap;
import java.util.Map;
import smpnet.stack.mbuf.Mbuf;

/**
 * A tunnel decapsulator: the input routine of a small tunnel protocol, as a protocol's input is called by
 * netisr. Each packet starts with an 8-byte header
 * <pre>
 *   0      2        4        6      8
 *   +------+--------+--------+------+------------------------+-----+
 *   |magic | length | tunnel | seq  | payload (length bytes)  | pad |
 *   +------+--------+--------+------+------------------------+-----+
 * </pre>
 * (big-endian). A good packet loses its header and any pad and goes to the {@link Sink}; a bad one is
 * counted under its {@link DropReason} and dropped. Packets of a tunnel must have rising sequence numbers.
 *
 * <p>Ownership: {@link #input} is given the packet and must end it exactly once, on every path: pass it on
 * ({@link Sink#deliver} takes it over) or free it ({@link Mbuf#freeChain}). One thread calls it.
 */
public final class Decap {
    /** The tunnel header's length. */
    public static final int HEADER = 8;
    /** The first two bytes of every tunnel packet. */
    public static final int MAGIC = 0x5EC0;

    private final Sink sink;
    /** The last sequence number seen on each tunnel. */
    private final Map<Integer, Integer> lastSeq = new HashMap<>();

    public Decap(Sink sink) {
        this.sink = sink;
    }

    /** Takes a received packet: delivers its payload or drops it. */
    public void input(Mbuf m) {
        if (m.pktLen() < HEADER) {
            drop(m, DropReason.TOO_SHORT);
            return;
        }
        m = m.pullup(HEADER);     // the header in one piece; on failure pullup has freed the chain
        if (m == null) {
            return;
        }
        if (m.getU16(0) != MAGIC) {
            drop(m, DropReason.BAD_MAGIC);
            return;
        }
        int length = m.getU16(2);
        int tunnel = m.getU16(4);
        int seq = m.getU16(6);
        int carried = m.pktLen() - HEADER;
        if (length > carried) {
            drop(m, DropReason.TRUNCATED);
            return;
        }
        Integer last = lastSeq.get(tunnel);
        if (last != null && seq <= last) {
            drop(m, DropReason.DUPLICATE);
            return;
        }
        lastSeq.put(tunnel, seq);
        if (length < carried) {
            m.adj(length - carried);   // negative: trims the pad off the tail
        }
        m.adj(HEADER);
        sink.deliver(tunnel, m);
    }

    /** Every drop goes through here: counted and freed in one place, so no path can forget either. */
    private void drop(Mbuf m, DropReason why) {
        sink.count(why);
        m.freeChain();
    }
}
