package smpnet.sim.bench.reports;

import java.lang.management.ManagementFactory;
import java.util.List;
import smpnet.sim.SimSettings;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.runs.ChildLauncher;

/**
 * Where and how a benchmark ran, written beside its figures: the JDK, the cores the OS offered, the flags
 * of the child JVMs, the load average when it began (other work on the machine shows there) and the run
 * settings.
 */
public record Environment(String jdk, int cores, List<String> jvmFlags, double loadAverage, int runs,
                          double runSeconds, double warmupSeconds) {

    public Environment {
        jvmFlags = List.copyOf(jvmFlags);
    }

    /** This JVM's environment with the given settings. */
    public static Environment current(BenchOptions o) {
        return new Environment(SimSettings.jdk(), Runtime.getRuntime().availableProcessors(), ChildLauncher.jvmFlags(o.jvmFlags()),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), o.runs(), o.seconds(),
                o.warmup());
    }
}
