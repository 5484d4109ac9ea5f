package smpnet.sim.bench.plan;

import java.util.List;

/**
 * Cases whose children run side by side and are measured in alternation ({@code runs.PairSchedule}): one
 * subject's 1-CPU and 2-CPU cases at one payload, or a single case; with {@code ceiling}, also the machine
 * ceiling ({@code results.Ceiling}) beside fine mode's pair. {@code profiled}, if not null, is a profiled case
 * run as one last window, lock profiling on, of the group's child with as many CPUs.
 */
public record CaseGroup(List<BenchCase> cases, boolean ceiling, BenchCase profiled) {

    public CaseGroup {
        cases = List.copyOf(cases);
        if (cases.isEmpty() || cases.stream().anyMatch(BenchCase::profiled)) {
            throw new IllegalArgumentException("a group needs unprofiled cases: " + cases);
        }
        if (profiled != null && (!profiled.profiled() || !cases.contains(profiled.profiled(false)))) {
            throw new IllegalArgumentException("no child of the group can run " + profiled.title());
        }
    }

    /** The group's case with {@code cpus} CPUs, or null. */
    public BenchCase withCpus(int cpus) {
        return cases.stream().filter(c -> c.cpus() == cpus).findFirst().orElse(null);
    }

    /** The path of the group's cases. */
    public BenchPath path() {
        return cases.getFirst().path();
    }

    /** The payload of the group's cases. */
    public int payload() {
        return cases.getFirst().payload();
    }
}
