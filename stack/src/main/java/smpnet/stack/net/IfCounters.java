package smpnet.stack.net;

/**
 * A snapshot of interface counters (one queue's or the sum), like {@code netstat -i}.
 *
 * @param inPackets  frames handed up to the input handler
 * @param inBytes    their bytes
 * @param inDrops    frames dropped on receive because the RX ring was full (or the interface stopped)
 * @param inErrors   frames refused as malformed (shorter than an Ethernet header) or with no input handler
 * @param outPackets frames put on the link
 * @param outBytes   their bytes
 * @param outDrops   frames dropped on transmit because the TX ring was full (or the interface stopped)
 * @param outErrors  frames that could not be sent (no link attached, larger than the MTU allows)
 */
public record IfCounters(long inPackets, long inBytes, long inDrops, long inErrors,
                         long outPackets, long outBytes, long outDrops, long outErrors) {
    public static final IfCounters ZERO = new IfCounters(0, 0, 0, 0, 0, 0, 0, 0);

    public IfCounters plus(IfCounters o) {
        return new IfCounters(inPackets + o.inPackets, inBytes + o.inBytes, inDrops + o.inDrops,
                inErrors + o.inErrors, outPackets + o.outPackets, outBytes + o.outBytes, outDrops + o.outDrops,
                outErrors + o.outErrors);
    }
}
