package smpnet.sim.determ;

import java.util.ArrayList;
import java.util.List;
import smpnet.locking.FreeScheduler;
import smpnet.locking.GuardedBy;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.SimNic;

/**
 * A scenario on free-running threads and the real clock: the same {@link Simulation} a
 * {@link DeterministicRun} offers, for comparing the two (the cost benchmark) and for runs that want real
 * parallelism. Links still draw their fates from the seed; the schedule is the OS's.
 *
 * <p>Locking key: {@code threads} and {@code failure} are guarded by this object's monitor.
 */
public final class FreeRun implements Simulation {
    private final long seed;
    private final RunResources resources;
    @GuardedBy("this") private final List<Thread> threads = new ArrayList<>();
    @GuardedBy("this") private Throwable failure;

    public FreeRun(long seed) {
        this.seed = seed;
        this.resources = new RunResources(seed);
    }

    @Override public long seed() { return seed; }

    @Override
    public Stack host(StackConfig config) { return resources.host(config, FreeScheduler.INSTANCE); }

    @Override
    public ImpairedLink link(SimNic a, SimNic b, Impairments both, int recordFrames) {
        return resources.link(a, b, both, recordFrames);
    }

    @Override
    public void spawn(String name, Body body) {
        Runnable code = Simulation.unchecked(name, body);
        Thread t = new Thread(() -> {
            try {
                code.run();
            } catch (Throwable e) {
                synchronized (this) { if (failure == null) failure = e; }
            }
        }, name);
        t.setDaemon(true);
        synchronized (this) { threads.add(t); }
        t.start();
    }

    /** Waits for every application thread (also those they started), closes what the run made, checks leaks. */
    public void run() throws InterruptedException {
        for (int i = 0; ; i++) {
            Thread t;
            synchronized (this) {
                if (i == threads.size()) break;
                t = threads.get(i);
            }
            t.join();
        }
        resources.closeAll();
        synchronized (this) {
            if (failure != null) throw new IllegalStateException("free run failed: " + failure, failure);
        }
        String leaks = resources.leaks();
        if (leaks != null) throw new IllegalStateException("free run: " + leaks);
    }
}
