package smpnet.outside;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import smpnet.stack.dev.SimNic;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.MacAddress;

/**
 * A peer made of nothing but bytes, on a host's NIC through the public API: it injects frames it builds
 * itself ({@link SimNic#receive}) and takes every frame the host transmits (its {@code Link}), answering ARP
 * requests for its own address and queueing the rest for the test. Frames are built here from the RFCs,
 * with no help from the stack's header views, so a malformed one is exactly what the test wrote.
 */
final class RawPeer {
    static final int ETHER_IP = 0x0800;
    static final int ETHER_ARP = 0x0806;
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

    final SimNic nic;
    final int hostIp;
    final int ip;
    final MacAddress mac = MacAddress.local(0x99);
    private final LinkedBlockingQueue<byte[]> sent;

    RawPeer(SimNic nic, String hostIp, String ip) {
        this.nic = nic;
        this.hostIp = addr(hostIp);
        this.ip = addr(ip);
        this.sent = new LinkedBlockingQueue<>();
        nic.attachLink(frame -> { // the NIC's transmit thread: the frame is ours now
            byte[] f = frame.toBytes();
            frame.freeChain();
            if (u16(f, 12) == ETHER_ARP && u16(f, 20) == 1 && u32(f, 38) == this.ip) inject(arpReply(f));
            else sent.add(f);
        });
    }

    private RawPeer(RawPeer of, String ip) {
        this.nic = of.nic;
        this.hostIp = of.hostIp;
        this.ip = addr(ip);
        this.sent = of.sent;
    }

    /** The same peer sending from another source address (a spoofer): what the host sends still comes here. */
    RawPeer spoofing(String source) { return new RawPeer(this, source); }

    static int addr(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
                | Integer.parseInt(p[3]);
    }

    static int u16(byte[] b, int at) { return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff); }

    static int u32(byte[] b, int at) { return u16(b, at) << 16 | u16(b, at + 2); }

    /** Hands {@code frame} to the host's NIC, as the wire would. */
    void inject(byte[] frame) {
        Mbuf m = nic.allocator().fromBytes(frame, 0, frame.length, Mbuf.M_WAIT);
        if (!nic.receive(m)) throw new AssertionError("the NIC's ring was full");
    }

    /** The next frame the host sent (ARP answered already), or null after {@code wait}. */
    byte[] next(Duration wait) throws InterruptedException {
        return sent.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Frames the host sent and the test has not taken. */
    int pending() { return sent.size(); }

    private byte[] arpReply(byte[] request) {
        ByteBuffer f = ByteBuffer.allocate(42);
        f.put(request, 6, 6).put(mac.bytes()).putShort((short) ETHER_ARP);
        f.putShort((short) 1).putShort((short) ETHER_IP).put((byte) 6).put((byte) 4).putShort((short) 2);
        f.put(mac.bytes()).putInt(ip).put(request, 22, 6).putInt(u32(request, 28));
        return f.array();
    }

    /** An Ethernet frame to the host holding {@code ipPacket}. */
    byte[] ether(byte[] ipPacket) {
        ByteBuffer f = ByteBuffer.allocate(14 + ipPacket.length);
        f.put(nic.mac().bytes()).put(mac.bytes()).putShort((short) ETHER_IP).put(ipPacket);
        return f.array();
    }

    /** An IPv4 header of {@code ihl} words (options zero) with a correct checksum, then {@code payload}. */
    byte[] ipv4(int ihl, int totalLength, int protocol, byte[] payload) {
        ByteBuffer p = ByteBuffer.allocate(ihl * 4 + payload.length);
        p.put((byte) (0x40 | ihl)).put((byte) 0).putShort((short) totalLength).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(ip).putInt(hostIp);
        p.position(ihl * 4);
        p.put(payload);
        byte[] b = p.array();
        int sum = checksum(b, 0, ihl * 4, 0);
        b[10] = (byte) (sum >> 8);
        b[11] = (byte) sum;
        return b;
    }

    /** A whole frame carrying TCP segment {@code tcp} in a plain IPv4 header. */
    byte[] frame(byte[] tcp) { return ether(ipv4(5, 20 + tcp.length, 6, tcp)); }

    /**
     * A TCP segment from port {@code sport} to {@code dport}: header of {@code offWords} words holding
     * {@code options} (zero padded, or cut at the header's end), then {@code data}; a correct checksum.
     */
    byte[] tcp(int sport, int dport, int seq, int ack, int flags, int window, int offWords, byte[] options, byte[] data) {
        int hlen = Math.max(20, offWords * 4);
        ByteBuffer t = ByteBuffer.allocate(hlen + data.length);
        t.putShort((short) sport).putShort((short) dport).putInt(seq).putInt(ack)
                .put((byte) (offWords << 4)).put((byte) flags).putShort((short) window).putShort((short) 0).putShort((short) 0);
        t.put(options, 0, Math.min(options.length, hlen - 20));
        t.position(hlen);
        t.put(data);
        byte[] b = t.array();
        int sum = tcpChecksum(b);
        b[16] = (byte) (sum >> 8);
        b[17] = (byte) sum;
        return b;
    }

    byte[] tcp(int sport, int dport, int seq, int ack, int flags, byte[] data) {
        return tcp(sport, dport, seq, ack, flags, 65535, 5, new byte[0], data);
    }

    /** {@code seg} with its data offset field set to {@code words}, whatever its length, and checksummed again. */
    byte[] withOffset(byte[] seg, int words) {
        byte[] b = seg.clone();
        b[12] = (byte) (words << 4);
        b[16] = 0;
        b[17] = 0;
        int sum = tcpChecksum(b);
        b[16] = (byte) (sum >> 8);
        b[17] = (byte) sum;
        return b;
    }

    /** RFC 793's checksum of {@code seg} with the IPv4 pseudo-header, peer to host. */
    int tcpChecksum(byte[] seg) {
        int pseudo = (ip >>> 16) + (ip & 0xffff) + (hostIp >>> 16) + (hostIp & 0xffff) + 6 + seg.length;
        return checksum(seg, 0, seg.length, pseudo);
    }

    /** RFC 1071: the ones' complement of the ones' complement sum, {@code initial} added in. */
    static int checksum(byte[] b, int off, int len, int initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) sum += u16(b, off + i);
        if ((len & 1) != 0) sum += (b[off + len - 1] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }

    /** The TCP segment of an IPv4 frame the host sent (no IP options). */
    static Seg seg(byte[] frame) {
        if (u16(frame, 12) != ETHER_IP || (frame[23] & 0xff) != 6) throw new AssertionError("not TCP over IPv4");
        int t = 14 + (frame[14] & 0x0f) * 4;
        int off = ((frame[t + 12] & 0xff) >> 4) * 4;
        int total = u16(frame, 16);
        return new Seg(u16(frame, t), u16(frame, t + 2), u32(frame, t + 4), u32(frame, t + 8), frame[t + 13] & 0x3f,
                u16(frame, t + 14), total - (t - 14) - off);
    }

    /** What a test reads of a segment the host sent. */
    record Seg(int sport, int dport, int seq, int ack, int flags, int window, int dataLength) {
        boolean has(int flag) { return (flags & flag) == flag; }
    }
}
