package smpnet.sim.bench.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.sim.bench.results.Samples.SECOND;
import static smpnet.sim.bench.results.Samples.latency;
import static smpnet.sim.bench.results.Samples.result;
import static smpnet.sim.bench.results.Samples.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.CaseResult;
import smpnet.sim.bench.results.JvmActivity;
import smpnet.sim.bench.results.LockContention;
import smpnet.sim.bench.results.RunSample;
import smpnet.sim.bench.results.Tally;

class ResultFilesTest {
    /** A window's JSON without JIT or GC figures, measured once. */
    private static final String QUIET = "{\"jitMillis\": 0, \"gcs\": 0, \"gcMillis\": 0, \"measuredAgain\": 0, \"jitBusy\": false}";

    static BenchReport report() {
        Environment env = new Environment("TestJDK 25", 2, List.of("-Xmx1g", "-Dx=a,b"), 0.5, 3, 1.0, 0.5);
        return new BenchReport(env, List.of(
                result(Subject.KERNEL, 1, false, List.of(sample(100, 0, SECOND), sample(300, 0, SECOND),
                        sample(200, 0, SECOND)), List.of()),
                result(Subject.FINE, 1, false, List.of(sample(2000, 500, SECOND)), List.of()),
                result(Subject.FINE, 2, false, List.of(sample(4000, 0, 3 * SECOND / 2)), List.of()),
                result(Subject.FINE, 2, true, List.of(sample(1000, 0, SECOND)),
                        List.of(new LockContention("so_rcv", 1000, 10, 5000, 20000)))));
    }

    @Test
    void resultsCsv() {
        String flags = "true,0,0,0,0,0,TestJDK 25,2,\"-Xmx1g -Dx=a,b\",udp\n";
        assertEquals(ResultFiles.RESULTS_HEADER + "\n"
                + "kernel,1,64,taskset -c 0,1.5,3,100.0,200.0,300.0,1.000,200.0,1.0,1.5,600,0,true," + flags
                + "fine,1,64,taskset -c 0,1.5,1,2000.0,2000.0,2000.0,1.000,2000.0,1.0,1.5,2000,500,true," + flags
                + "fine,2,64,taskset -c 0-1,1.5,1,4000.0,4000.0,4000.0,1.500,2666.7,1.0,1.5,4000,0,true," + flags,
                ResultFiles.resultsCsv(report()));
    }

    @Test
    void aCeilingIsARowOfItsOwnAndAnEntryOfTheJson() {
        BenchReport r = BenchReportTest.paired();
        List<String> rows = ResultFiles.resultsCsv(r).lines().toList();
        assertEquals(4, rows.size());
        assertEquals("ceiling,2,64,taskset -c 0 | taskset -c 1,1.0,3,150.0,200.0,440.0,2.000,100.0,1.0,1.5,790,0,true,"
                + ",0,0,0,0,0,TestJDK 25,2,\"-Xmx1g -Dx=a,b\",udp", rows.get(3));
        String json = ResultFiles.json(r);
        assertTrue(json.contains("""
                  "ceilings": [
                    {"payloadBytes": 64, "pinning": "taskset -c 0 | taskset -c 1", "ppsCore0": [60.0, 100.0, 200.0], \
                "ppsCore1": [90.0, 100.0, 240.0], "ppsSum": {"min": 150.000, "median": 200.000, "max": 440.000}, \
                "cpuBusy": 2.000, "balanced": true}
                  ],
                  "notes": ["something was not measured"],
                """), json);
        assertTrue(json.contains("\"ceiling\": {\"min\": 1.000, \"median\": 1.100, \"max\": 1.500}, "
                + "\"shareOfCeiling\": 1.636, "), json);
    }

    @Test
    void locksCsv() {
        assertEquals(ResultFiles.LOCKS_HEADER + "\nfine,2,64,so_rcv,1000,10,5000,20000,udp\n",
                ResultFiles.locksCsv(report()));
    }

    @Test
    void json() {
        assertEquals("""
                {
                  "jdk": "TestJDK 25",
                  "cores": 2,
                  "jvmFlags": ["-Xmx1g", "-Dx=a,b"],
                  "loadAverageAtStart": 0.500,
                  "runs": 3,
                  "runSeconds": 1.000,
                  "warmupCpuSeconds": 0.500,
                  "results": [
                    {"path": "udp", "subject": "kernel", "cpus": 1, "payloadBytes": 64, "pinning": "taskset -c 0", \
                "warmupSeconds": 1.5, "warmupSettled": true, "pps": {"min": 100.0, "median": 200.0, "max": 300.0, "runs": [100.0, 300.0, 200.0]}, \
                "cpuBusy": 1.000, "ppsPerCpuSecond": 200.0, "latencyMicros": {"p50": 1.0, "p99": 1.5}, \
                "received": 600, "drops": 0, \
                "balanced": true, "pausedCpu": 0.000, "windows": [%s, %s, %s]},
                    {"path": "udp", "subject": "fine", "cpus": 1, "payloadBytes": 64, "pinning": "taskset -c 0", \
                "warmupSeconds": 1.5, "warmupSettled": true, "pps": {"min": 2000.0, "median": 2000.0, "max": 2000.0, "runs": [2000.0]}, \
                "cpuBusy": 1.000, "ppsPerCpuSecond": 2000.0, "latencyMicros": {"p50": 1.0, "p99": 1.5}, \
                "received": 2000, "drops": 500, \
                "balanced": true, "pausedCpu": 0.000, "windows": [%s]},
                    {"path": "udp", "subject": "fine", "cpus": 2, "payloadBytes": 64, "pinning": "taskset -c 0-1", \
                "warmupSeconds": 1.5, "warmupSettled": true, "pps": {"min": 4000.0, "median": 4000.0, "max": 4000.0, "runs": [4000.0]}, \
                "cpuBusy": 1.500, "ppsPerCpuSecond": 2666.7, "latencyMicros": {"p50": 1.0, "p99": 1.5}, \
                "received": 4000, "drops": 0, \
                "balanced": true, "pausedCpu": 0.000, "windows": [%s]}
                  ],
                  "ratios": [
                    {"path": "udp", "name": "fine 1 CPU / kernel 1 CPU", "payloadBytes": 64, "value": 10.000, "pairs": null, \
                "perCpuSecond": 10.000, "goal": 10.000, \
                "met": true, "ceiling": null, "shareOfCeiling": null, "note": ""},
                    {"path": "udp", "name": "fine 2 CPUs / fine 1 CPU", "payloadBytes": 64, "value": 2.000, \
                "pairs": {"min": 2.000, "median": 2.000, "max": 2.000}, "perCpuSecond": 1.333, "goal": 1.800, \
                "met": true, "ceiling": null, "shareOfCeiling": null, "note": ""}
                  ],
                  "ceilings": [],
                  "notes": [],
                  "contention": [
                    {"path": "udp", "subject": "fine", "cpus": 2, "payloadBytes": 64, "locks": [{"class": "so_rcv", \
                "acquisitions": 1000, "contended": 10, "waitNanos": 5000, "holdNanos": 20000}]}
                  ]
                }
                """.formatted(QUIET, QUIET, QUIET, QUIET, QUIET), ResultFiles.json(report()));
    }

    @Test
    void writesTheThreeFiles(@TempDir Path dir) throws IOException {
        List<Path> files = ResultFiles.write(report(), dir.resolve("out"));
        assertEquals(List.of("results.csv", "locks.csv", "results.json"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(ResultFiles.json(report()), Files.readString(files.get(2)));
    }

    @Test
    void escaping() {
        assertEquals("plain", ResultFiles.csv("plain"));
        assertEquals("\"a \"\"b\"\", c\"", ResultFiles.csv("a \"b\", c"));
        assertEquals("\"q\\\"\\\\\\n\\u0001\"", ResultFiles.str("q\"\\\n\u0001"));
    }

    @Test
    void unbalancedAccountingIsShownInTheTable() {
        CaseResult c = new CaseResult(new BenchCase(Subject.GIANT, 1, 64, false), "unpinned", 0,
                List.of(sample(10, 0, SECOND)), latency(), new Tally(12, 10, 0), List.of());
        String table = ReportTable.render(new BenchReport(report().env(), List.of(c)));
        assertEquals("giant      1            10  (10 .. 10)                   1.00           10       1.0       1.5"
                + "          0"
                + "  unpinned  (accounting did not balance: 2 unaccounted)", table.lines().skip(5).findFirst().orElseThrow());
    }

    /**
     * A case whose warm-up hit its maximum, one run measured again once (then quiet), one kept after two with
     * the JIT still compiling: its CSV columns, its JSON windows, its row's flags and the line under the table.
     */
    @Test
    void theJitAndCollectorOfEachRunAndTheWarmUpAreShownAndFlagged() {
        Tally t = new Tally(100, 100, 0);
        List<RunSample> runs = List.of(new RunSample(t, SECOND, SECOND, new JvmActivity(3, 2, 7), 1),
                new RunSample(t, SECOND, SECOND, new JvmActivity(25, 1, 4), 2),
                new RunSample(t, SECOND, SECOND, new JvmActivity(0, 0, 0), 0));
        CaseResult c = new CaseResult(new BenchCase(Subject.FINE, 1, 64, false), "taskset -c 0", 20_000_000_000L,
                false, runs, latency(), new Tally(300, 300, 0), List.of(), 0);
        BenchReport r = new BenchReport(report().env(), List.of(c));
        assertEquals("fine,1,64,taskset -c 0,20.0,3,100.0,100.0,100.0,1.000,100.0,1.0,1.5,300,0,true,false,28,3,11,3,1,"
                + "TestJDK 25,2,\"-Xmx1g -Dx=a,b\",udp", ResultFiles.resultsCsv(r).lines().skip(1).findFirst().orElseThrow());
        assertTrue(ResultFiles.json(r).contains("\"warmupSeconds\": 20.0, \"warmupSettled\": false, "), ResultFiles.json(r));
        assertTrue(ResultFiles.json(r).contains("\"windows\": [{\"jitMillis\": 3, \"gcs\": 2, \"gcMillis\": 7, "
                + "\"measuredAgain\": 1, \"jitBusy\": false}, {\"jitMillis\": 25, \"gcs\": 1, \"gcMillis\": 4, "
                + "\"measuredAgain\": 2, \"jitBusy\": true}, " + QUIET + "]}"), ResultFiles.json(r));
        List<String> table = ReportTable.render(r).lines().toList();
        assertEquals("TestJDK 25, 2 cores, load average 0.50 at start; median of 3 runs of 1.0 s after a warm-up of 0.5 "
                + "CPU-s at least, until the JIT was quiet and the rate no longer rose (20 s at most); a run in which the "
                + "JIT compiled more than 10 ms measured again, twice at most", table.getFirst());
        assertEquals("fine       1           100  (100 .. 100)                 1.00          100       1.0       1.5"
                + "          0  taskset -c 0  (warm-up ended by its maximum after 20.0 s, not settled; 3 windows measured again; "
                + "1 of 3 runs kept with the JIT compiling more than 10 ms: they may measure compilation)", table.get(5));
        assertEquals("Windows measured again after the JIT compiled more than 10 ms in them: 3; runs kept with the JIT "
                + "still compiling (flagged in their rows): 1 of 3", table.get(6));
        assertEquals(7, table.size());
        Environment none = new Environment("TestJDK 25", 2, List.of(), 0.5, 3, 1.0, 0);
        assertEquals("TestJDK 25, 2 cores, load average 0.50 at start; median of 3 runs of 1.0 s after no warm-up (each "
                + "run measured once, the JIT compiling in it)", ReportTable.render(new BenchReport(none, List.of(c)))
                .lines().findFirst().orElseThrow());
    }
}
