package smpnet.agenttest;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.Witness;

/** The reports the agent's witness makes while a piece of code runs (the agent switched witness on). */
final class Recorder implements AutoCloseable {
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final Witness.Registration registration = Witness.listen(reports::add);

    static Witness witness() {
        Witness w = Witness.active();
        assertNotNull(w, "the test JVM runs with -javaagent: witness is on");
        return w;
    }

    List<Report> reports() { return List.copyOf(reports); }

    /** "KIND held,acquired" for each report: the exact classes, in witness's order (held class first). */
    List<String> summary() {
        return reports.stream().map(r -> r.kind() + " " + String.join(",", r.classes())).collect(Collectors.toList());
    }

    Report only(ReportKind kind) {
        List<Report> of = reports.stream().filter(r -> r.kind() == kind).collect(Collectors.toList());
        if (of.size() != 1) {
            throw new AssertionError("expected one " + kind + " report, got " + summary());
        }
        return of.get(0);
    }

    @Override
    public void close() { registration.close(); }
}
