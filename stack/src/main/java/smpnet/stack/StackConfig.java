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
 * @param cpus        CPUs of the host's mbuf allocator caches (usually the netisr worker count)
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
