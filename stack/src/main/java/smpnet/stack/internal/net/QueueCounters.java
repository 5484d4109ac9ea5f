package smpnet.stack.internal.net;

import smpnet.stack.internal.stats.CpuCounters;
import smpnet.stack.net.IfCounters;

/**
 * The counters of one NIC queue (packets, bytes, drops, errors), per CPU ({@link CpuCounters}): a queue's
 * own thread counts on its own CPU's cache lines, and so does any thread that drops into its ring.
 */
public final class QueueCounters {
    private static final int PACKETS = 0;
    private static final int BYTES = 1;
    private static final int DROPS = 2;
    private static final int ERRORS = 3;

    private final CpuCounters c = new CpuCounters(4);

    /** One packet of {@code len} bytes went through. */
    public void count(int len) { c.add2(PACKETS, 1, BYTES, len); }

    public void drop() { c.increment(DROPS); }

    public void error() { c.increment(ERRORS); }

    public IfCounters asReceive() {
        return new IfCounters(c.sum(PACKETS), c.sum(BYTES), c.sum(DROPS), c.sum(ERRORS), 0, 0, 0, 0);
    }

    public IfCounters asTransmit() {
        return new IfCounters(0, 0, 0, 0, c.sum(PACKETS), c.sum(BYTES), c.sum(DROPS), c.sum(ERRORS));
    }
}
