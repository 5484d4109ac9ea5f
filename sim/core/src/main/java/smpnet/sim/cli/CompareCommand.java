package smpnet.sim.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import smpnet.sim.bench.reports.Comparison;

/** {@code compare A.json B.json}: two result files of the main job, and what moved beyond its noise. */
@Command(name = "compare",
        description = {"Compares two result files of the main job (results.json of run or bench-udp): per case its "
                + "packets/s and per ratio its value, each with its range, and whether B moved beyond the noise of A "
                + "(the two ranges do not overlap)."})
public final class CompareCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "A.json", description = {"the first result file (the before)"})
    Path a;

    @Parameters(index = "1", paramLabel = "B.json", description = {"the second result file (the after)"})
    Path b;

    @Override
    public Integer call() {
        try {
            out().print(Comparison.of(a, b).format(a.toString(), b.toString()));
            return 0;
        } catch (IOException e) {
            top.err().println("smpnet compare: " + e.getMessage());
            return SmpnetCommand.USAGE;
        }
    }
}
