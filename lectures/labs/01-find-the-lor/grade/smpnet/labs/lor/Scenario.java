package smpnet.labs.lor;

import java.util.List;

/**
 * The lab's bench (do not change it): one host's port table, two endpoints, a few messages, one report.
 * Everything runs in the calling thread, in one fixed order, so every run is the same run.
 */
final class Scenario {
    private Scenario() {}

    /** What the scenario observed. */
    record Outcome(String report, List<String> atA, List<String> atB, List<Integer> open) {}

    static Outcome run() {
        Stats stats = new Stats();
        Ports ports = new Ports(stats);
        stats.attach(ports);
        Endpoint a = ports.open(5000, 2);
        Endpoint b = ports.open(5001, 8);
        for (int i = 0; i < 5; i++) {
            ports.deliver(5000, "a" + i);     // the queue keeps two: three are dropped
        }
        ports.deliver(6000, "nobody");         // no endpoint on port 6000
        ports.deliver(5001, "b0");
        String report = stats.report();
        return new Outcome(report, a.drain(), b.drain(), ports.ports());
    }
}
