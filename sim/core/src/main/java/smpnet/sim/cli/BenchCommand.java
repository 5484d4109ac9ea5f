package smpnet.sim.cli;

import picocli.CommandLine.Mixin;
import smpnet.sim.bench.BenchSession;
import smpnet.sim.bench.plan.BenchOptions;

/** A Giant-vs-fine benchmark command: the benchmark's options over the command's defaults. */
abstract class BenchCommand extends Subcommand implements HelpFooter {
    @Mixin
    BenchOptionsMixin options;

    @Mixin
    TraceOptions trace;

    /** The command's defaults. */
    abstract BenchOptions defaults();

    @Override
    public Integer call() throws Exception {
        BenchOptions o = options.over(defaults());
        BenchSession session = new BenchSession(o, out());
        if (trace.file != null) {
            if (!o.profile()) throw Checks.usage(spec, "--trace records the profiling windows: it cannot go with --no-profile");
            session.traceTo(trace.file, trace.limit());
        }
        session.run();
        return session.failures().isEmpty() ? 0 : SmpnetCommand.FAILED;
    }

    @Override
    public String[] footer() {
        return new String[] {"", "Defaults: " + BenchOptionsMixin.defaults(defaults())};
    }
}
