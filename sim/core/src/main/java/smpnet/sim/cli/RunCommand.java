package smpnet.sim.cli;

import picocli.CommandLine.Command;
import smpnet.sim.bench.plan.BenchOptions;

/** {@code run}: the main job, the built-in Giant-vs-fine comparison on the UDP receive path. */
@Command(name = "run", sortOptions = false,
        description = {"The main job: the UDP receive path (frame into the NIC ring to receive() in the application) "
                + "in Giant and fine locking mode on 1 and 2 CPUs, beside Linux's UDP over loopback; prints packets/s, "
                + "latency, speed-ups, drops and the most contended locks, and writes CSV, JSON and a chart."})
public final class RunCommand extends BenchCommand {
    @Override
    BenchOptions defaults() { return BenchOptions.mainJob(); }

    @Override
    public String[] footer() {
        String[] d = super.footer();
        String[] f = java.util.Arrays.copyOf(d, d.length + 1);
        f[d.length] = "Other commands: ./smpnet run help";
        return f;
    }
}
