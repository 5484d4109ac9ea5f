package smpnet.sim.bench;

import java.util.List;

/**
 * Cases whose children run side by side and are measured in alternation ({@link PairSchedule}): one
 * subject's 1-CPU and 2-CPU cases at one payload, or a single case; with {@code ceiling}, also the machine
 * ceiling ({@link Ceiling}) beside fine mode's pair.
 */
public record CaseGroup(List<BenchCase> cases, boolean ceiling) {

    public CaseGroup {
        cases = List.copyOf(cases);
        if (cases.isEmpty()) throw new IllegalArgumentException("an empty group");
    }

    /** The group's case with {@code cpus} CPUs, or null. */
    BenchCase withCpus(int cpus) {
        return cases.stream().filter(c -> c.cpus() == cpus).findFirst().orElse(null);
    }

    /** The payload of the group's cases. */
    int payload() {
        return cases.getFirst().payload();
    }
}
