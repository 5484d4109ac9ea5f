package smpnet.stack;

import smpnet.locking.Scheduler;
import smpnet.stack.config.ArpConfig;
import smpnet.stack.config.ReassemblyLimits;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * The settings of one simulated host. Start from {@link #defaults(String)} and change what you need:
 * <pre>{@code
 *   StackConfig c = StackConfig.defaults("a").withMode(LockMode.GIANT).withNetisr(2, DispatchPolicy.DEFERRED, PlacementPolicy.FLOW);
 * }</pre>
 *
 * @param name        host name (thread names, counters, allocator)
 * @param mode        Giant, fine-grained or giant-over-fine locking for the whole host
 * @param netisr      netisr workers and policies
 * @param cpus        CPUs of the host's per-CPU caches (its mbuf and socket-buffer ring zones) and callout wheels:
 *                    the netisr worker count unless {@link #withCpus} says otherwise
 * @param forwarding  true if the host routes packets between its interfaces
 * @param arp         ARP timers and bounds
 * @param reassembly  IP reassembly limits and timeout
 * @param scheduler   the scheduling seam used for the clock and timers (tests may pass their own)
 */
public record StackConfig(String name, LockMode mode, NetisrConfig netisr, int cpus, boolean forwarding,
                          ArpConfig arp, ReassemblyLimits reassembly, Scheduler scheduler) {
    public StackConfig {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("host name required");
        if (cpus < 1) throw new IllegalArgumentException("cpus " + cpus);
        java.util.Objects.requireNonNull(mode, "mode");
        java.util.Objects.requireNonNull(netisr, "netisr");
        java.util.Objects.requireNonNull(arp, "arp");
        java.util.Objects.requireNonNull(reassembly, "reassembly");
        java.util.Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Fine-grained locking, one netisr worker with direct dispatch and source placement, no forwarding. */
    public static StackConfig defaults(String name) {
        return new StackConfig(name, LockMode.FINE, NetisrConfig.of(1, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE),
                1, false, ArpConfig.DEFAULT, ReassemblyLimits.DEFAULT, Scheduler.current());
    }

    public StackConfig withMode(LockMode m) {
        return new StackConfig(name, m, netisr, cpus, forwarding, arp, reassembly, scheduler);
    }

    /** {@code workers} netisr workers (and as many allocator CPUs) with the given policies. */
    public StackConfig withNetisr(int workers, DispatchPolicy dispatch, PlacementPolicy placement) {
        return withNetisr(NetisrConfig.of(workers, dispatch, placement));
    }

    public StackConfig withNetisr(NetisrConfig n) {
        return new StackConfig(name, mode, n, n.workers(), forwarding, arp, reassembly, scheduler);
    }

    /**
     * {@code n} CPUs for the host's per-CPU caches and callout wheels, whatever its netisr workers (set it after
     * {@link #withNetisr}, which sets both). Under the free-running scheduler a cache is picked by the processor
     * the caller runs on (modulo {@code n}), as UMA keeps one per CPU of the machine: a host whose threads run
     * on more processors than it has netisr workers (an application thread on a core of its own, say) gives
     * each processor its own cache this way, where with one they would all share it.
     */
    public StackConfig withCpus(int n) {
        return new StackConfig(name, mode, netisr, n, forwarding, arp, reassembly, scheduler);
    }

    public StackConfig withForwarding(boolean on) {
        return new StackConfig(name, mode, netisr, cpus, on, arp, reassembly, scheduler);
    }

    public StackConfig withArp(ArpConfig a) {
        return new StackConfig(name, mode, netisr, cpus, forwarding, a, reassembly, scheduler);
    }

    public StackConfig withReassembly(ReassemblyLimits r) {
        return new StackConfig(name, mode, netisr, cpus, forwarding, arp, r, scheduler);
    }

    public StackConfig withScheduler(Scheduler s) {
        return new StackConfig(name, mode, netisr, cpus, forwarding, arp, reassembly, s);
    }
}
