package smpnet.sim.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.PacketHeader;
import smpnet.stack.net.MacAddress;
import smpnet.stack.dev.LoadFrames;

/**
 * Synthesises the benchmark's frames the way a packet generator fills a NIC ring: one prebuilt
 * Ethernet II / IPv4 / UDP frame per flow, copied into a fresh mbuf and stamped with its send time, with a
 * correct UDP checksum so the stack verifies real data.
 *
 * <pre>
 *  | Ethernet 14 | IPv4 20 (DF, TTL 64) | UDP 8 | send time 8 | flow 4 | zeros ... |
 *                                               \_______ payload (16..1472) ______/
 * </pre>
 * Only the send time changes from frame to frame, so the UDP checksum is the template's sum plus the
 * four 16-bit words of the time (RFC 1624 incremental update), not a pass over the whole payload.
 */
final class FlowFrames {
    static final int ETHER = 14;
    static final int IP = 20;
    static final int UDP = 8;
    /** Offset of the payload (and of the send time in it) in a frame. */
    static final int PAYLOAD = ETHER + IP + UDP;
    static final int FLOW = PAYLOAD + 8;
    private static final int UDP_CHECKSUM = ETHER + IP + 6;
    /** Reads the send time without wrapping the receive buffer per datagram (it is on the hot path). */
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final int payload;
    private final byte[][] templates;
    /** Per flow: the folded one's complement sum of the template (pseudo-header included, time zero). */
    private final int[] sums;
    private final int[] hashes;

    /** Frames from {@code srcIp:srcPorts[f]} to {@code dstIp:dstPorts[f]}, flow hash {@code hashes[f]}. */
    FlowFrames(MacAddress dstMac, MacAddress srcMac, int srcIp, int dstIp, int[] srcPorts, int[] dstPorts,
               int[] hashes, int payload) {
        this.payload = payload;
        this.hashes = hashes.clone();
        this.templates = new byte[srcPorts.length][];
        this.sums = new int[srcPorts.length];
        for (int f = 0; f < srcPorts.length; f++) {
            byte[] body = new byte[payload];
            ByteBuffer.wrap(body).putInt(FLOW - PAYLOAD, f);
            templates[f] = LoadFrames.udp(dstMac, srcMac, srcIp, dstIp, srcPorts[f], dstPorts[f], f,
                    LoadFrames.DONT_FRAGMENT, body);
            ByteBuffer t = ByteBuffer.wrap(templates[f]);
            sums[f] = ~t.getShort(UDP_CHECKSUM) & 0xffff; // the folded sum the valid checksum complements
            t.putShort(UDP_CHECKSUM, (short) 0);          // each frame writes its own
        }
    }

    int flows() {
        return templates.length;
    }

    int frameLength() {
        return PAYLOAD + payload;
    }

    /** A new frame of flow {@code f} sent at {@code nowNanos}, or null if the allocator is exhausted. */
    Mbuf frame(MbufAllocator a, int f, long nowNanos) {
        byte[] t = templates[f];
        Mbuf m = a.fromBytes(t, 0, t.length, Mbuf.M_NOWAIT);
        if (m == null) return null;
        m.putU32(PAYLOAD, (int) (nowNanos >>> 32));
        m.putU32(PAYLOAD + 4, (int) nowNanos);
        m.putU16(UDP_CHECKSUM, udpChecksum(sums[f], nowNanos));
        m.pkthdr().setFlow(hashes[f], PacketHeader.HASH_OPAQUE);
        return m;
    }

    /** RFC 1624 eqn. 3 with the old field zero: add the new words to the folded sum, complement. */
    static int udpChecksum(int foldedSum, long time) {
        long s = foldedSum + (time >>> 48) + ((time >>> 32) & 0xffff) + ((time >>> 16) & 0xffff) + (time & 0xffff);
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        int c = (int) (~s & 0xffff);
        return c == 0 ? 0xffff : c; // RFC 768: a computed zero is sent as all ones
    }

    /** The send time a received payload carries (its first eight bytes, big-endian). */
    static long sentNanos(byte[] payload) {
        return (long) LONG_BE.get(payload, 0);
    }
}
