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

    /**
     * The machine's CPU time so far, every CPU's and every process's (the kernel's and the hypervisor's steal
     * included), from {@code /proc/stat}, ns; -1 where not known. Counted in clock ticks (1/100 s), so a
     * difference is good to a few ticks: enough over a window of seconds, not over a part.
     */
    static long machineBusyNanos() {
        try {
            String t = Files.readString(STAT);
            int end = t.indexOf('\n');
            String[] f = t.substring(0, end < 0 ? t.length() : end).strip().split(" +");
            if (!f[0].equals("cpu") || f.length < 9) return -1;
            long ticks = 0;
            // user nice system idle iowait irq softirq steal: all but idle and iowait
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) ticks += Long.parseLong(f[i]);
            return ticks * (1_000_000_000L / CLOCK_TICKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The kernel's clock ticks per second in /proc/stat (USER_HZ: 100 on every Linux the project runs on). */
    private static final long CLOCK_TICKS = 100;
    private static final Path STAT = Path.of("/proc/stat");

    /** {@code later} minus this, field by field (-1 where either is unknown). */
    ThreadSched until(ThreadSched later) {
        return new ThreadSched(d(runNanos, later.runNanos), d(waitNanos, later.waitNanos), d(slices, later.slices),
                d(involuntary, later.involuntary));
    }

    private static long d(long a, long b) { return a < 0 || b < 0 ? -1 : b - a; }
}
