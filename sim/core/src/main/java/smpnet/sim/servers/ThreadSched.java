package smpnet.sim.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's scheduler says of the calling thread ({@code /proc/thread-self}): its time on a CPU and waiting
 * for one (run queue), the times it was given a CPU, and the times it was taken off one while it could still
 * run (involuntary context switches). Read by the event loop at its parts' boundaries, to tell a part slowed
 * by sharing its core from one whose events cost more. -1 where the system does not say (not Linux, or no
 * schedstat).
 *
 * @param runNanos    time on a CPU, ns (schedstat's first field)
 * @param waitNanos   time runnable but waiting for a CPU, ns (its second)
 * @param slices      times it was given a CPU (its third)
 * @param involuntary involuntary context switches ({@code nonvoluntary_ctxt_switches} in status)
 */
record ThreadSched(long runNanos, long waitNanos, long slices, long involuntary) {
    static final ThreadSched NONE = new ThreadSched(-1, -1, -1, -1);

    /** The calling thread's figures now. */
    static ThreadSched current() {
        long run = -1, wait = -1, slices = -1, invol = -1;
        try {
            String t = Files.readString(SCHEDSTAT);
            int a = t.indexOf(' '), b = a < 0 ? -1 : t.indexOf(' ', a + 1);
            if (b > 0) {
                run = Long.parseLong(t, 0, a, 10);
                wait = Long.parseLong(t, a + 1, b, 10);
                slices = Long.parseLong(t.strip(), b + 1, t.strip().length(), 10);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no schedstat: -1
        }
        try {
            String t = Files.readString(STATUS);
            int at = t.indexOf(INVOLUNTARY);
            if (at >= 0) {
                int from = at + INVOLUNTARY.length(), to = t.indexOf('\n', from);
                invol = Long.parseLong(t.substring(from, to < 0 ? t.length() : to).strip());
            }
        } catch (IOException | RuntimeException e) {
            // -1
        }
        return new ThreadSched(run, wait, slices, invol);
    }

    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat"), STATUS = Path.of("/proc/thread-self/status");
    private static final String INVOLUNTARY = "nonvoluntary_ctxt_switches:";

    /** {@code later} minus this, field by field (-1 where either is unknown). */
    ThreadSched until(ThreadSched later) {
        return new ThreadSched(d(runNanos, later.runNanos), d(waitNanos, later.waitNanos), d(slices, later.slices),
                d(involuntary, later.involuntary));
    }

    private static long d(long a, long b) { return a < 0 || b < 0 ? -1 : b - a; }
}
