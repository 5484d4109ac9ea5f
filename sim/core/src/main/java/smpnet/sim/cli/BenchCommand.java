package smpnet.sim.cli;

import picocli.CommandLine.Mixin;
import smpnet.sim.bench.BenchSession;
import smpnet.sim.bench.plan.BenchOptions;

/** A Giant-vs-fine benchmark command: the benchmark's options over the command's defaults. */
abstract class BenchCommand extends Subcommand implements HelpFooter {
    @Mixin
    BenchOptionsMixin options;

    /** The command's defaults. */
    abstract BenchOptions defaults();

    @Override
    public Integer call() throws Exception {
        BenchSession session = new BenchSession(options.over(defaults()), out());
        session.run();
        return session.failures().isEmpty() ? 0 : SmpnetCommand.FAILED;
    }

    @Override
    public String[] footer() {
        return new String[] {"", "Defaults: " + BenchOptionsMixin.defaults(defaults())};
    }
}
