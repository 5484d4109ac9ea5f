package smpnet.sim.servers;

import java.io.IOException;
import java.util.Locale;
import smpnet.stack.internal.os.Posix;

/**
 * Where an event-loop case runs its threads: the loop thread alone on one CPU, every other thread the case
 * starts (the hosts' NIC queues and netisr workers, the client loops) on the others. Unbound, the scheduler
 * moves the loop between running beside the threads it trades segments with (on the other core: every
 * socket buffer, ring and lock they share crosses between the cores' caches) and taking turns with them on
 * one core (where it finds them in its own cache): on 2 cores the loop's cost per event moved between about
 * 2,000 and 4,500 ns with that, from part to part of one window, which no number of parts narrows. Bound, it
 * is always the first: a server's loop beside its peers, as a server runs.
 *
 * <p>Linux's {@code sched_setaffinity} with pid 0 binds the calling thread only, and a thread starts with
 * its creator's mask: the case's thread binds itself to the others' CPUs ({@link #bindOthers}) before it
 * creates the hosts and clients, the loop thread binds itself ({@link #bindLoop}) as it starts, and the case's
 * thread {@link #restore restores} its own mask after. The JVM's own threads (compilers, collector) keep
 * theirs. Where binding fails (not Linux, one CPU allowed, the call refused), nothing is bound and
 * {@link #why} says why.
 *
 * @param loopCpu   the CPU the loop thread runs on, -1 when unbound
 * @param others    the CPUs of every other thread of the case (bit i for CPU i), 0 when unbound
 * @param original  the case thread's mask before (restored after), 0 when unknown
 * @param why       why nothing is bound, or null when bound
 */
record CorePlacement(int loopCpu, long others, long original, String why) {
    /** Nothing bound, because {@code why}. */
    static CorePlacement unbound(String why) {
        return new CorePlacement(-1, 0, 0, why);
    }

    /**
     * The placement for the calling thread's CPUs (its affinity mask): the loop on the highest, the others on
     * the rest; unbound where fewer than 2 are allowed, or the mask cannot be read.
     */
    static CorePlacement split() {
        if (!Posix.isLinux()) return unbound("not Linux (sched_setaffinity binds threads on Linux only)");
        long mask;
        try {
            mask = Posix.currentThreadCpus();
        } catch (IOException | RuntimeException | LinkageError e) {
            return unbound("the CPU mask could not be read: " + e.getMessage());
        }
        if (Long.bitCount(mask) < 2) {
            return unbound(String.format(Locale.ROOT, "this process may run on %d CPU%s (mask %s), and a split needs 2",
                    Long.bitCount(mask), Long.bitCount(mask) == 1 ? "" : "s", Long.toBinaryString(mask)));
        }
        int loop = 63 - Long.numberOfLeadingZeros(mask);
        return new CorePlacement(loop, mask & ~(1L << loop), mask, null);
    }

    boolean bound() { return why == null; }

    /** Binds the calling thread (the case's) to the others' CPUs; the placement unbound if that fails. */
    CorePlacement bindOthers() {
        if (!bound()) return this;
        try {
            Posix.bindCurrentThread(others);
            return this;
        } catch (IOException | RuntimeException | LinkageError e) {
            return unbound("binding the case's threads failed: " + e.getMessage());
        }
    }

    /** Binds the calling thread (the loop's) to its CPU: null, or why it failed. */
    String bindLoop() {
        if (!bound()) return why;
        try {
            Posix.bindCurrentThread(1L << loopCpu);
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            return "binding the loop thread failed: " + e.getMessage();
        }
    }

    /** Restores the calling thread's (the case's) mask of before {@link #bindOthers}. */
    void restore() {
        if (original == 0) return;
        try {
            Posix.bindCurrentThread(original);
        } catch (IOException | RuntimeException | LinkageError e) {
            // the case's thread stays on the others' CPUs; the next case splits what it may run on
        }
    }

    /** The placement in words, e.g. "the loop thread on CPU 1, the case's other threads on CPU 0". */
    String describe() {
        if (!bound()) return "threads not bound to CPUs: " + why;
        StringBuilder cpus = new StringBuilder();
        for (int c = 0; c < 64; c++) if ((others & 1L << c) != 0) cpus.append(cpus.isEmpty() ? "" : ",").append(c);
        return String.format(Locale.ROOT, "the loop thread on CPU %d, the case's other threads (hosts, clients) on CPU%s %s",
                loopCpu, Long.bitCount(others) == 1 ? "" : "s", cpus);
    }
}
