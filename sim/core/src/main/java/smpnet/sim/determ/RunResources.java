package smpnet.sim.determ;

import java.util.ArrayList;
import java.util.List;
import smpnet.locking.GuardedBy;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.locking.Scheduler;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.SimNic;

/**
 * The hosts and links of one run, closed in one place at its end, and the leak check after: what
 * {@link DeterministicRun} and {@link FreeRun} share.
 *
 * <p>Locking key: the lists are guarded by this object's monitor (held for no scheduling point).
 */
final class RunResources {
    private final long seed;
    @GuardedBy("this") private final List<Stack> hosts = new ArrayList<>();
    @GuardedBy("this") private final List<ImpairedLink> links = new ArrayList<>();

    RunResources(long seed) { this.seed = seed; }

    Stack host(StackConfig config, Scheduler scheduler) {
        Stack s = Stack.create(config.withScheduler(scheduler));
        synchronized (this) { hosts.add(s); }
        return s;
    }

    ImpairedLink link(SimNic a, SimNic b, Impairments both, int recordFrames) {
        synchronized (this) {
            ImpairedLink l = ImpairedLink.connect(a, b, both, both, seed * 0x9E3779B97F4A7C15L + links.size(), recordFrames);
            links.add(l);
            return l;
        }
    }

    /** Cuts the links (freeing frames in flight), then closes the hosts: called by the run's last thread. */
    void closeAll() {
        List<ImpairedLink> ls;
        List<Stack> hs;
        synchronized (this) {
            ls = List.copyOf(links);
            hs = List.copyOf(hosts);
        }
        for (ImpairedLink l : ls) l.close();
        for (Stack s : hs) s.close();
    }

    /** Null if every host's mbufs came back, else what leaked where. */
    String leaks() {
        StringBuilder b = new StringBuilder();
        synchronized (this) {
            for (Stack s : hosts) {
                long n = s.allocator().outstanding();
                if (n > 0) b.append(b.isEmpty() ? "" : "; ").append(s.name()).append(": ").append(n).append(" mbufs")
                        .append(s.allocator().tracking() ? " " + s.allocator().outstandingReport() : "");
            }
        }
        return b.isEmpty() ? null : "leaked mbufs: " + b;
    }
}
