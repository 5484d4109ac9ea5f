package smpnet.labs.deadlock;

import static smpnet.labs.grading.Checks.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import smpnet.labs.grading.Checkpoint;
import smpnet.locking.DeterministicScheduler;

/**
 * Lab 5's checkpoints. Every run is a {@link DeterministicScheduler} run from a seed: one thread at a time,
 * a seeded choice at every lock acquisition and release, so a seed that deadlocks deadlocks every time, and
 * its report (which thread waits where, the last decisions) is the same every time. The grader runs a fixed
 * list of seeds per checkpoint and prints the first that fails.
 */
final class Lab05 {
    /** Seeds per scenario: enough that the starter's deadlock shows in several of them. */
    private static final int SEEDS = 60;
    /** A thread is preempted at one scheduling point in this many: switches are frequent, runs still short. */
    private static final int PREEMPT_ONE_IN = 2;

    private Lab05() {}

    /** One seeded run of a scenario on a fresh four-port bridge. */
    private record Scenario(String name, Map<String, Consumer<Bridge>> threads, Consumer<List<Port>> setup) {}

    /**
     * Runs {@code s} once per seed; null when every seed ended, else the first failure's report (seed,
     * threads and what they wait for, the last decisions) followed by the port counters at that moment.
     * {@code expected} checks the counters of a run that ended.
     */
    private static String runSeeds(Scenario s, int seeds, Consumer<List<Port>> expected) {
        for (long seed = 1; seed <= seeds; seed++) {
            List<Port> ports = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ports.add(new Port(i));
            }
            s.setup().accept(ports);
            Bridge bridge = new Bridge(ports);
            DeterministicScheduler sched = new DeterministicScheduler(DeterministicScheduler.Options.seed(seed)
                    .withPreemptOneIn(PREEMPT_ONE_IN).withStuckMillis(5_000));
            s.threads().forEach((name, body) -> sched.spawn(name, () -> body.accept(bridge)));
            try {
                sched.run();
            } catch (DeterministicScheduler.RunFailure f) {
                StringBuilder locks = new StringBuilder();
                for (Port p : ports) {
                    locks.append(locks.isEmpty() ? "" : ", ").append(p).append(" = ").append(p.lock);
                }
                return "scenario \"" + s.name() + "\", seed " + seed + " of 1.." + seeds + ":\n" + f.getMessage()
                        + "\n  the ports' locks: " + locks;
            }
            expected.accept(ports);
        }
        return null;
    }

    private static Consumer<Bridge> repeat(int times, Consumer<Bridge> step) {
        return b -> {
            for (int i = 0; i < times; i++) {
                step.accept(b);
            }
        };
    }

    private static void counters(List<Port> ports, int port, String want, String what) {
        String got = ports.get(port).counters();
        check(got.equals(want), what + ": port " + port + " counted \"" + got + "\", not \"" + want + "\": every frame"
                + " must be counted once in and once out, every station must end up behind exactly one port");
    }

    private static Map<String, Consumer<Bridge>> threads(String name, Consumer<Bridge> body) {
        Map<String, Consumer<Bridge>> m = new LinkedHashMap<>();
        m.put(name, body);
        return m;
    }

    private static Map<String, Consumer<Bridge>> threads(String name1, Consumer<Bridge> body1, String name2,
                                                         Consumer<Bridge> body2) {
        Map<String, Consumer<Bridge>> m = threads(name1, body1);
        m.put(name2, body2);
        return m;
    }

    @Checkpoint(order = 1, id = "opposite-forwards", points = 4,
            title = "60 seeds: frames 0->1 and 1->0 forwarded at once; none deadlocks, every frame counted")
    static void oppositeForwards() {
        Scenario s = new Scenario("opposite-forwards", threads(
                "fwd-0to1", repeat(8, b -> b.forward(0, 1, 100)),
                "fwd-1to0", repeat(8, b -> b.forward(1, 0, 60))), ports -> {});
        String failure = runSeeds(s, SEEDS, ports -> {
            counters(ports, 0, "in 8/800 out 8/480 stations 0", "opposite-forwards");
            counters(ports, 1, "in 8/480 out 8/800 stations 0", "opposite-forwards");
        });
        check(failure == null, failure + "\n\nTwo threads forward frames in opposite directions. Read the report: which"
                + " thread waits for which port's lock, and which thread holds that port? Witness says nothing here:"
                + " both locks are of class bridge_port (DUPOK), and witness orders classes, not the locks of one"
                + " class. Your code must order them itself.");
    }

    @Checkpoint(order = 2, id = "forward-vs-move", points = 3,
            title = "60 seeds: frames forwarded 0->1 while stations move 1->0; none deadlocks, tables exact")
    static void forwardVsMove() {
        Scenario s = new Scenario("forward-vs-move", threads(
                "fwd-0to1", repeat(8, b -> b.forward(0, 1, 100)),
                "move-1to0", b -> {
                    for (long mac = 1; mac <= 8; mac++) {
                        b.move(mac, 1, 0);
                    }
                }), ports -> {
                    Port p = ports.get(1);
                    p.lock.lock();
                    try {
                        for (long mac = 1; mac <= 8; mac++) {
                            p.learnLocked(mac);
                        }
                    } finally {
                        p.lock.unlock();
                    }
                });
        String failure = runSeeds(s, SEEDS, ports -> {
            counters(ports, 0, "in 8/800 out 0/0 stations 8", "forward-vs-move");
            counters(ports, 1, "in 0/0 out 8/800 stations 0", "forward-vs-move");
        });
        check(failure == null, failure + "\n\nForwarding and moving a station both hold two ports. An order that one"
                + " path keeps and the other does not is no order: every path that takes two ports must take them the"
                + " same way.");
    }

    @Checkpoint(order = 3, id = "hairpin", points = 2,
            title = "a frame forwarded back out of the port it came in on (2->2) is counted in and out")
    static void hairpin() {
        Scenario s = new Scenario("hairpin", threads("fwd-2to2", repeat(3, b -> b.forward(2, 2, 70))), ports -> {});
        String failure = runSeeds(s, 1, ports -> counters(ports, 2, "in 3/210 out 3/210 stations 0", "hairpin"));
        check(failure == null, failure + "\n\nA hairpin frame (reflected back out of its own port) has one port, not"
                + " two. Taking \"both\" ports' locks takes one non-recursive lock twice.");
    }

    @Checkpoint(order = 4, id = "disjoint-parallel", points = 3,
            title = "forward 2->3 completes while forward 0->1 is stuck inside its transmit")
    static void disjointParallel() {
        Port.Gate gate = new Port.Gate();
        Scenario s = new Scenario("disjoint-parallel", threads(
                "fwd-0to1", b -> b.forward(0, 1, 100),
                "fwd-2to3", b -> {
                    gate.awaitArrival();
                    b.forward(2, 3, 40);
                    gate.open();
                }), ports -> ports.get(1).setGate(gate));
        String failure = runSeeds(s, 1, ports -> {
            counters(ports, 1, "in 0/0 out 1/100 stations 0", "disjoint-parallel");
            counters(ports, 3, "in 0/0 out 1/40 stations 0", "disjoint-parallel");
        });
        check(failure == null, failure + "\n\nThe grader held forward(0 -> 1) inside port 1's transmit (a busy wire)"
                + " and then forwarded a frame from port 2 to port 3, which shares no port with it: that frame waited"
                + " for the first. A lock that serialises the whole bridge cures the deadlock and kills the"
                + " parallelism the port locks were there for.");
    }
}
