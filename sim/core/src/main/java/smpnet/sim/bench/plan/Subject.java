package smpnet.sim.bench.plan;

import java.util.Locale;

/** What a benchmark case measures: smpnet's receive path in one locking mode, or the kernel's loopback. */
public enum Subject {
    /** smpnet with every stack lock being the instance's Giant. */
    GIANT,
    /** smpnet with the fine-grained lock inventory. */
    FINE,
    /** Linux UDP over loopback through java.nio DatagramChannels: the baseline. */
    KERNEL;

    /** The lower-case name used on the command line and in result files. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the two smpnet modes. */
    public boolean isStack() {
        return this != KERNEL;
    }

    /** The subject called {@code label} (case-insensitive), or null. */
    public static Subject byLabel(String label) {
        for (Subject s : values()) {
            if (s.label().equalsIgnoreCase(label)) return s;
        }
        return null;
    }
}
