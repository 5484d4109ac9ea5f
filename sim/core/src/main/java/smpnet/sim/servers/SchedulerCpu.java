package smpnet.sim.servers;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * One server thread's CPU time inside the scheduling seam's blocking waits (parks: going to sleep, and the
 * context switch back when woken) and its wake-ups of other threads (unparks: the system call, and the
 * interprocessor interrupt where the woken thread's CPU is idle). Those are the operating system's costs of
 * being idle, paid per sleep and per wake-up, as often as the load lets the thread or its peers run dry; what
 * each costs depends on the machine (on a virtual machine an idle CPU's wake-up leaves the guest), not on the
 * work the thread does. The event loop's measure takes them apart from its own work ({@link LoopMeasure}).
 *
 * <p>Sampled: one park in {@link #SAMPLE}, and one wake-up in as many, has the thread's CPU clock read before
 * and after it, and counts for them all; a read is a system call (about 0.5 µs), and two around every park
 * and wake-up would add a fixed cost to each. What the two reads themselves add to a sample (the end of the
 * first and the start of the second) is measured at the start, as the median of back-to-back reads, and
 * taken off each sample.
 *
 * <p>Locking key: the owning thread's alone (written in its parks and wake-ups, read by its own measure).
 */
final class SchedulerCpu {
    /** One park, and one wake-up, in this many is timed, and counts for them all. */
    static final int SAMPLE = 4;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final boolean measured;
    /** The CPU two back-to-back reads of the clock add to a sample, ns. */
    private final long bracket;
    private long waits, wakes, waitCalls, wakeCalls;

    /** A tally that measures ({@code measured}) or only marks the thread as the server's. */
    SchedulerCpu(boolean measured) {
        this.measured = measured && THREADS.isCurrentThreadCpuTimeSupported();
        this.bracket = this.measured ? bracket() : 0;
    }

    /** The median of 255 back-to-back reads of the calling thread's CPU clock, ns. */
    private static long bracket() {
        long[] d = new long[255];
        for (int i = 0; i < d.length; i++) {
            long a = THREADS.getCurrentThreadCpuTime();
            d[i] = THREADS.getCurrentThreadCpuTime() - a;
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /** The CPU clock before a park that is sampled, else -1. */
    long sampleWait() {
        return measured && waitCalls++ % SAMPLE == 0 ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** Ends a park that began at {@code t0} ({@link #sampleWait}). */
    void endWait(long t0) {
        if (t0 >= 0) waits += SAMPLE * Math.max(0, THREADS.getCurrentThreadCpuTime() - t0 - bracket);
    }

    /** The CPU clock before a wake-up that is sampled, else -1. */
    long sampleWake() {
        return measured && wakeCalls++ % SAMPLE == 0 ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** Ends a wake-up that began at {@code t0} ({@link #sampleWake}). */
    void endWake(long t0) {
        if (t0 >= 0) wakes += SAMPLE * Math.max(0, THREADS.getCurrentThreadCpuTime() - t0 - bracket);
    }

    /** The thread's CPU time in its parks so far (estimated from the sample), ns. */
    long waitNanos() { return waits; }

    /** The thread's CPU time in its wake-ups of other threads so far (estimated from the sample), ns. */
    long wakeNanos() { return wakes; }

    /** What two back-to-back reads of the clock cost, taken off each sample, ns. */
    long bracketNanos() { return bracket; }
}
