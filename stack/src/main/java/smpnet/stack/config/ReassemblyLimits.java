package smpnet.stack.config;

/**
 * Bounds on IP reassembly, so fragments cannot exhaust a host's memory (the classic fragment flood):
 * per datagram, a fragment count and the 65535-byte maximum of RFC 791; in total, datagrams in progress
 * and bytes held. Timeout per RFC 1122 3.3.2 (FreeBSD waits 30 s).
 *
 * @param fragmentsPerPacket most fragments one datagram may collect (FreeBSD maxfragsperpacket, 16)
 * @param packets            most datagrams in reassembly at once (FreeBSD maxfragpackets)
 * @param bytes              most fragment bytes held at once, all datagrams together
 * @param timeoutNanos       how long a datagram may wait for its missing fragments
 */
public record ReassemblyLimits(int fragmentsPerPacket, int packets, int bytes, long timeoutNanos) {
    public static final ReassemblyLimits DEFAULT = new ReassemblyLimits(16, 256, 1 << 20, 30_000_000_000L);

    public ReassemblyLimits {
        if (fragmentsPerPacket < 2 || packets < 1 || bytes < 576 || timeoutNanos <= 0) {
            throw new IllegalArgumentException("bad reassembly limits");
        }
    }
}
