package smpnet.sim.cli;

import picocli.CommandLine.Command;
import smpnet.sim.bench.plan.BenchOptions;

/** {@code tcp}: the main job's comparison on the two TCP paths ({@code run --path tcp --no-kernel}, results in their own directory). */
@Command(name = "tcp", sortOptions = false,
        description = {"The Giant-vs-fine comparison on TCP between two smpnet hosts over a wire with MTU 1500: one "
                + "connection's bulk throughput (MB/s) and connections per second through one listener (connect, "
                + "a 64-byte request and reply, close), on 1 and 2 CPUs; prints the rates, fine/Giant and 2/1-CPU "
                + "ratios and the most contended locks, and writes CSV, JSON and charts. Same as run --path tcp --no-kernel; bench-tcp runs them beside Linux's TCP."})
public final class TcpCommand extends BenchCommand {
    @Override
    BenchOptions defaults() { return BenchOptions.tcp(); }
}
