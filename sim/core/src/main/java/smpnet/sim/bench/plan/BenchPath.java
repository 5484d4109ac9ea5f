package smpnet.sim.bench.plan;

import java.util.Locale;

/**
 * What a benchmark case drives through the stack, and the unit its rate is counted in: the UDP receive path
 * (datagrams), one TCP connection's bulk transfer (bytes, reported as MB/s), or TCP connections through one
 * listener (connections).
 */
public enum BenchPath {
    /** A frame entering the NIC ring to the datagram returned by {@code receive}. */
    UDP("udp", "UDP receive path", "packets/s", 1, 0),
    /** One TCP connection between two smpnet hosts, a writer on one and a reader on the other. */
    TCP_BULK("tcp-bulk", "TCP bulk transfer, one connection, MTU 1500; giant and fine: copying send (write from a byte array), "
            + "giant-zc and fine-zc: zero-copy send (sendZeroCopy from two memory regions in turn); giant-offload and "
            + "fine-offload: copying send, NIC offloads on (TSO, LRO); smpnet's hosts with direct receive on 1 CPU (the "
            + "receiver's input in the sender's thread, as Linux's veth runs it) and their NICs' interrupt threads on 2 "
            + "(net.link.rx_direct=2; --rx-direct on or off sets one of them at both counts)", "MB/s",
            1e-6, 1460),
    /** Connect, a small request and reply, close, from several client threads to one listener. */
    TCP_CONNECT("tcp-connect", "TCP connections through one listener (request and reply, then close)", "conn/s", 1, 64);

    private final String label;
    private final String title;
    private final String unit;
    private final double scale;
    private final int tcpPayload;

    BenchPath(String label, String title, String unit, double scale, int tcpPayload) {
        this.tcpPayload = tcpPayload;
        this.label = label;
        this.title = title;
        this.unit = unit;
        this.scale = scale;
    }

    /** The name on the command line and in result files. */
    public String label() { return label; }

    /** The heading of the path's table. */
    public String title() { return title; }

    /** The unit of {@link #scale}d rates, e.g. {@code MB/s}. */
    public String unit() { return unit; }

    /** Rates are counted in the workload's units per second (datagrams, bytes, connections) times this. */
    public double scale() { return scale; }

    /**
     * The payload of a TCP path's cases: the bulk transfer's segment payload (the MSS of MTU 1500), or the
     * size of a connection's request and of its reply. The UDP path takes its payloads from the options.
     */
    public int tcpPayload() {
        if (!isTcp()) throw new IllegalStateException("the UDP path's payloads are options");
        return tcpPayload;
    }

    /** True for the TCP paths, which run between two smpnet hosts and have no kernel baseline. */
    public boolean isTcp() { return this != UDP; }

    /**
     * The paths named by {@code --path}'s item: {@code udp}, {@code tcp} (both TCP paths), or one path's
     * label; null if none.
     */
    public static java.util.List<BenchPath> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("tcp")) return java.util.List.of(TCP_BULK, TCP_CONNECT);
        for (BenchPath p : values()) {
            if (p.label.equals(n)) return java.util.List.of(p);
        }
        return null;
    }
}
