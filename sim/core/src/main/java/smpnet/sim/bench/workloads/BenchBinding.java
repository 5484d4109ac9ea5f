package smpnet.sim.bench.workloads;

import java.io.IOException;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.stack.dev.SimNic;
import smpnet.stack.internal.os.Posix;

/**
 * Where a 2-CPU TCP bulk case runs its threads, as {@code --bind} says ({@link BenchOptions#BIND_PROPERTY},
 * {@code on} by default): the writer on the first processor the child JVM may run on, the reader on the
 * second, and smpnet's NIC queue threads each on one (the hosts' {@code net.link.bind_queues}: the queues of
 * simulated CPU c on the (c mod n)-th of n), the writer and reader on Linux's side and smpnet's alike. Unbound, the system's scheduler moved the threads between
 * two placements from one window to the next: in one the writer and the queues trade a core's cache and a
 * case ran at about 1,550 MB/s with 1.64 cores busy; in the other, the same case ran at 750 to 950 MB/s with
 * 1.8 cores busy, each byte costing 2.3 times the CPU (its copies most). Bound, the placement holds from
 * window to window; the README's "Thread placement on two CPUs" has the windows of both, bound and not.
 *
 * <p>A case of one CPU (or a child allowed on one processor) binds nothing: {@code taskset} already put it
 * there. Binding a thread is Linux's {@code sched_setaffinity} on the calling thread; where it fails the
 * thread runs unbound and the child says so on its error stream.
 */
final class BenchBinding {
    private BenchBinding() {}

    /** Whether {@code --bind} left binding on ({@code on}, the default) for the child. */
    static boolean on() {
        String v = System.getProperty(BenchOptions.BIND_PROPERTY, "on");
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(BenchOptions.BIND_PROPERTY + " is on or off, not '" + v + "'");
        };
    }

    /**
     * The processors a case of {@code cpus} CPUs binds its threads among: the child's (its first thread's
     * mask, {@code taskset}'s), when binding is on, the case has 2 CPUs or more, and so does the mask; else 0.
     */
    static long processors(int cpus) {
        if (cpus < 2 || !on() || !Posix.isLinux()) return 0;
        try {
            long mask = Posix.processCpus();
            return Long.bitCount(mask) >= 2 ? mask : 0;
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("threads not bound: the processors this JVM may run on could not be read: " + e.getMessage());
            return 0;
        }
    }

    /** Binds the calling thread to the {@code k}-th processor of {@code processors} (k mod their count); none when 0. */
    static void bindCurrentThread(long processors, int k) {
        if (processors == 0) return;
        try {
            Posix.bindCurrentThread(SimNic.QueueBinding.processorOf(k, processors));
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println(Thread.currentThread().getName() + " not bound: " + e.getMessage());
        }
    }
}
