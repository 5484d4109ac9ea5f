package smpnet.sim.packetdrill;

import java.util.HashMap;
import java.util.Map;

/**
 * The connection under test as the script and the host each number it, and the mapping between the two, as
 * packetdrill maps them: the peer's sequence numbers are the script's own (its SYN's sequence number is the
 * peer's ISN), so inbound {@code seq} and outbound {@code ack} are taken as written; the host's sequence
 * numbers are relative to its ISN, learned from its SYN or SYN-ACK, so outbound {@code seq} and inbound
 * {@code ack} (and SACK blocks) are shifted by the difference. Timestamps likewise: the host's TS val is
 * mapped from its first one to the script's first one; an inbound TS ecr that echoes a script TS val gets the
 * live value that script value stood for.
 *
 * <p>Only the script's thread uses it.
 */
final class Connection {
    /** The peer's first port for a passive connection (packetdrill picks an ephemeral one). */
    static final int FIRST_REMOTE_PORT = 48_000;

    int localPort = Target.DEFAULT_PORT;
    int remotePort = FIRST_REMOTE_PORT;
    private int nextRemotePort = FIRST_REMOTE_PORT;
    private boolean listening;
    private boolean localIsnKnown;
    private long localIsnLive;
    private long localIsnScript;
    private boolean tsKnown;
    private long firstTsLive;
    private long firstTsScript;
    private final Map<Long, Long> tsScriptToLive = new HashMap<>();

    void bound(int port) { localPort = port; }

    /** After listen(): the next inbound SYN opens a new connection from a new peer port. */
    void listening() { listening = true; }

    void connecting(int port) { remotePort = port; }

    /** An inbound SYN without ACK: on a listener, a new connection. */
    void inboundSyn() {
        if (!listening) return;
        listening = false;
        remotePort = nextRemotePort++;
        localIsnKnown = false;
        tsKnown = false;
        tsScriptToLive.clear();
    }

    /** The host sent a SYN or SYN-ACK: its ISN (live) stands for the script's. */
    void outboundSyn(long liveSeq, long scriptSeq, int srcPort) {
        localIsnKnown = true;
        localIsnLive = liveSeq;
        localIsnScript = scriptSeq;
        localPort = srcPort;
    }

    /** A host sequence number (outbound seq) in script space. */
    long localToScript(long live) { return localIsnKnown ? (live - localIsnLive + localIsnScript) & 0xFFFF_FFFFL : live; }

    /** A script number in the host's space (inbound ack, SACK blocks, an ICMP's quoted seq) to live. */
    long localToLive(long script) { return localIsnKnown ? (script - localIsnScript + localIsnLive) & 0xFFFF_FFFFL : script; }

    /** The host's TS val in script space; the first one seen defines the mapping. */
    long tsValToScript(long live, long scriptVal) {
        if (!tsKnown) {
            tsKnown = true;
            firstTsLive = live;
            firstTsScript = scriptVal;
        }
        long mapped = (firstTsScript + (live - firstTsLive)) & 0xFFFF_FFFFL;
        tsScriptToLive.put(scriptVal, live);
        return mapped;
    }

    /** An inbound TS ecr (script space) to the live TS val it echoes. */
    long tsEcrToLive(long script) {
        Long exact = tsScriptToLive.get(script);
        if (exact != null) return exact;
        return tsKnown ? (script - firstTsScript + firstTsLive) & 0xFFFF_FFFFL : script;
    }
}
