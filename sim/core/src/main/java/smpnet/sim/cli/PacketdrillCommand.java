package smpnet.sim.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import smpnet.sim.packetdrill.Outcome;
import smpnet.sim.packetdrill.ScriptRunner;
import smpnet.sim.packetdrill.ScriptSuite;
import smpnet.stack.locks.LockMode;

/** {@code packetdrill}: packetdrill scripts run against an smpnet host, pass or fail with the first mismatch. */
@Command(name = "packetdrill", sortOptions = false,
        description = {"Runs packetdrill scripts (FILE.pkt, or every .pkt under DIR) against one smpnet host with a "
                + "scripted peer, on virtual time, and prints PASS or FAIL for each script and mode with the first "
                + "mismatch in packetdrill's words. Exits 1 if any failed."})
public final class PacketdrillCommand extends Subcommand {
    @Option(names = "--mode", paramLabel = "M", description = {"locking mode: fine, giant, giant-over-fine or all; default: fine"})
    String mode = "fine";

    @Option(names = "--seed", paramLabel = "N", description = {"the deterministic schedule's seed; default: "
            + ScriptRunner.DEFAULT_SEED})
    long seed = ScriptRunner.DEFAULT_SEED;

    @Parameters(paramLabel = "FILE|DIR", arity = "0..*", description = {"scripts, or directories of scripts"})
    List<Path> paths = List.of();

    @Override
    public Integer call() {
        List<LockMode> modes = mode.equals("all") ? List.of(LockMode.FINE, LockMode.GIANT, LockMode.GIANT_OVER_FINE)
                : List.of(SeededCostCommand.mode(spec, mode));
        if (paths.isEmpty()) throw Checks.usage(spec, "name at least one script or directory of scripts");
        List<Path> files;
        try {
            files = ScriptSuite.collect(paths);
        } catch (IOException e) {
            throw Checks.usage(spec, e.getMessage());
        }
        if (files.isEmpty()) throw Checks.usage(spec, "no .pkt scripts under " + paths);
        Map<LockMode, int[]> counts = new LinkedHashMap<>();
        for (Path f : files) {
            for (LockMode m : modes) {
                Outcome o = ScriptSuite.run(f, m, seed);
                out().println(ScriptSuite.describe(o));
                counts.computeIfAbsent(m, k -> new int[2])[o.passed() ? 0 : 1]++;
            }
        }
        int failed = 0;
        StringBuilder summary = new StringBuilder();
        for (var e : counts.entrySet()) {
            failed += e.getValue()[1];
            summary.append(summary.isEmpty() ? "" : ", ").append(ScriptSuite.modeName(e.getKey())).append(": ")
                    .append(e.getValue()[0]).append(" passed, ").append(e.getValue()[1]).append(" failed");
        }
        out().println(files.size() + " scripts; " + summary);
        return failed == 0 ? 0 : SmpnetCommand.FAILED;
    }
}
