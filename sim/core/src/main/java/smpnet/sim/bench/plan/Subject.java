package smpnet.sim.bench.plan;

import java.util.Locale;

/**
 * What a benchmark case measures: smpnet in one locking mode, or a Linux baseline: the kernel's UDP over
 * loopback, or its TCP between two network namespaces over a veth pair, offloads on or off.
 */
public enum Subject {
    /** smpnet with every stack lock being the instance's Giant. */
    GIANT,
    /** smpnet with the fine-grained lock inventory. */
    FINE,
    /** smpnet in Giant mode, the bulk transfer sending with the zero-copy send ({@code TcpSocket.sendZeroCopy}). */
    GIANT_ZC,
    /** smpnet in fine mode, the bulk transfer sending with the zero-copy send. */
    FINE_ZC,
    /** smpnet in Giant mode with its NICs' offloads on (TSO, LRO), the bulk transfer's copying send. */
    GIANT_OFFLOAD,
    /** smpnet in fine mode with its NICs' offloads on (TSO, LRO), the bulk transfer's copying send. */
    FINE_OFFLOAD,
    /** Linux UDP over loopback through java.nio DatagramChannels: the UDP path's baseline. */
    KERNEL,
    /** Linux TCP over a veth pair between two namespaces, offloads on (TSO, GSO, GRO, checksums): a TCP baseline. */
    LINUX,
    /** Linux TCP over a veth pair between two namespaces, every offload off: a TCP baseline. */
    LINUX_NO_OFFLOAD;

    /** The lower-case name used on the command line and in result files ({@code linux-no-offload}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True for the two smpnet modes. */
    public boolean isStack() {
        return this == GIANT || this == FINE;
    }

    /** True for smpnet's zero-copy send cases, which run on the bulk transfer only. */
    public boolean isZeroCopy() {
        return this == GIANT_ZC || this == FINE_ZC;
    }

    /** The zero-copy send subject of a stack mode ({@code fine} to {@code fine-zc}). */
    public Subject zeroCopy() {
        if (!isStack()) throw new IllegalArgumentException("no zero-copy send for " + label());
        return this == GIANT ? GIANT_ZC : FINE_ZC;
    }

    /** True for smpnet's cases with its NICs' offloads on, which run on the bulk transfer only. */
    public boolean isOffload() {
        return this == GIANT_OFFLOAD || this == FINE_OFFLOAD;
    }

    /** The offload subject of a stack mode ({@code fine} to {@code fine-offload}). */
    public Subject offload() {
        if (!isStack()) throw new IllegalArgumentException("no offload case for " + label());
        return this == GIANT ? GIANT_OFFLOAD : FINE_OFFLOAD;
    }

    /** True for every smpnet subject that runs in Giant mode (its copying, zero-copy and offload sends). */
    public boolean isGiant() {
        return this == GIANT || this == GIANT_ZC || this == GIANT_OFFLOAD;
    }

    /** True for the Linux TCP baselines (veth between namespaces), which run on the TCP paths only. */
    public boolean isLinuxTcp() {
        return this == LINUX || this == LINUX_NO_OFFLOAD;
    }

    /** The subject called {@code label} (case-insensitive), or null. */
    public static Subject byLabel(String label) {
        for (Subject s : values()) {
            if (s.label().equalsIgnoreCase(label)) return s;
        }
        return null;
    }
}
