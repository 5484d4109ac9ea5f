package smpnet.sim.cli;

import picocli.CommandLine.Command;
import smpnet.sim.bench.plan.BenchOptions;

/** {@code bench-udp}: the full Giant-vs-fine benchmark, both payload sizes, more and longer runs. */
@Command(name = "bench-udp", sortOptions = false,
        description = {"The full Giant-vs-fine benchmark: the main job's cases at 64 and 1472 bytes, with more and "
                + "longer runs."})
public final class BenchUdpCommand extends BenchCommand {
    @Override
    BenchOptions defaults() { return BenchOptions.benchUdp(); }
}
