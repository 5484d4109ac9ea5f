package smpnet.stack.mbuf;

/**
 * The packet header carried by the first mbuf of a packet (FreeBSD's m_pkthdr): total length, receiving
 * interface's index, RSS flow hash, checksum offload flags, the netisr source and, for a packet large receive
 * offload built out of several TCP segments, how many it holds. It belongs to whoever owns the
 * packet; operations that move the first mbuf move the header with it.
 */
public final class PacketHeader {
    /** The IPv4 header checksum was checked ... */
    public static final int CSUM_IP_CHECKED = 1;
    /** ... and is valid. */
    public static final int CSUM_IP_VALID = 1 << 1;
    /** The transport checksum was verified (csumData holds 0xffff if valid). */
    public static final int CSUM_DATA_VALID = 1 << 2;
    /** csumData holds the pseudo-header sum already. */
    public static final int CSUM_PSEUDO_HDR = 1 << 3;
    /** Transmit: the device computes the IPv4 header checksum. */
    public static final int CSUM_IP = 1 << 8;
    /** Transmit: the device computes the UDP checksum. */
    public static final int CSUM_UDP = 1 << 9;
    /** Transmit: the device computes the TCP checksum. */
    public static final int CSUM_TCP = 1 << 10;
    /**
     * Transmit: TCP segmentation offload (FreeBSD's CSUM_TSO). The packet is one TCP segment larger than the
     * MTU; the device cuts it into frames of {@link #tsoSegsz()} payload bytes, each with its own headers and
     * checksums. The TCP checksum field holds nothing the device uses.
     */
    public static final int CSUM_TSO = 1 << 11;

    /** No RSS hash (flowId is meaningless). */
    public static final int HASH_NONE = 0;
    /** flowId is a hash the NIC (or software) computed over the flow's addresses and ports. */
    public static final int HASH_OPAQUE = 1;

    private int pktLen;
    private int rcvIf;
    private int flowId;
    private int hashType;
    private int csumFlags;
    private int csumData;
    private int sourceId;
    private boolean linkBroadcast;
    private int tsoSegsz;
    private int lroNsegs;

    PacketHeader() {}

    /** Copies every field of {@code o} (m_dup_pkthdr). */
    void copyFrom(PacketHeader o) {
        pktLen = o.pktLen;
        rcvIf = o.rcvIf;
        flowId = o.flowId;
        hashType = o.hashType;
        csumFlags = o.csumFlags;
        csumData = o.csumData;
        sourceId = o.sourceId;
        linkBroadcast = o.linkBroadcast;
        tsoSegsz = o.tsoSegsz;
        lroNsegs = o.lroNsegs;
    }

    /** The total length of the packet's data over its whole chain. */
    public int pktLen() { return pktLen; }

    public PacketHeader setPktLen(int len) {
        if (len < 0) throw new IllegalArgumentException("negative packet length " + len);
        pktLen = len;
        return this;
    }

    /**
     * The index of the interface the packet arrived on (FreeBSD's {@code if_index}), 0 for a locally
     * generated packet. An index, not the interface, so that mbufs depend on nothing above them.
     */
    public int rcvIf() { return rcvIf; }

    public PacketHeader setRcvIf(int ifIndex) { rcvIf = ifIndex; return this; }

    /** RSS flow hash (valid when {@link #hashType()} is not {@link #HASH_NONE}). */
    public int flowId() { return flowId; }

    public int hashType() { return hashType; }

    public PacketHeader setFlow(int flowId, int hashType) { this.flowId = flowId; this.hashType = hashType; return this; }

    /** CSUM_* flags. */
    public int csumFlags() { return csumFlags; }

    public PacketHeader setCsumFlags(int flags) { csumFlags = flags; return this; }

    public int csumData() { return csumData; }

    public PacketHeader setCsumData(int data) { csumData = data; return this; }

    /** With {@link #CSUM_TSO}: the TCP payload bytes of each frame but the last (FreeBSD's tso_segsz). */
    public int tsoSegsz() { return tsoSegsz; }

    public PacketHeader setTsoSegsz(int n) {
        if (n < 0) throw new IllegalArgumentException("negative TSO segment size " + n);
        tsoSegsz = n;
        return this;
    }

    /** The netisr source (interface and RX queue) that keeps a source's packets in order. */
    public int sourceId() { return sourceId; }

    public PacketHeader setSourceId(int id) { sourceId = id; return this; }

    /** True if the frame came to the link's broadcast address (FreeBSD's M_BCAST): never forwarded. */
    public boolean linkBroadcast() { return linkBroadcast; }

    public PacketHeader setLinkBroadcast(boolean on) { linkBroadcast = on; return this; }

    /**
     * How many received TCP segments large receive offload merged into this packet (FreeBSD's
     * {@code lro_nsegs}); 0 for a packet LRO did not build. TCP counts a merged packet's segments by it.
     */
    public int lroNsegs() { return lroNsegs; }

    public PacketHeader setLroNsegs(int n) {
        if (n < 0) throw new IllegalArgumentException("negative segment count " + n);
        lroNsegs = n;
        return this;
    }

    @Override
    public String toString() {
        return "pkthdr len " + pktLen + " rcvif " + rcvIf + " flow " + flowId + "/" + hashType
                + " csum 0x" + Integer.toHexString(csumFlags) + " src " + sourceId
                + (lroNsegs > 0 ? " lro_nsegs " + lroNsegs : "");
    }
}
