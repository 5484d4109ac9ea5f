package smpnet.sim.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every command of {@link SmpnetCommand} has: {@code --help}, its own spec, and the output streams. */
abstract class Subcommand implements Callable<Integer> {
    @ParentCommand
    SmpnetCommand top;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    /** Where the command prints its results. */
    PrintStream out() { return top.out(); }
}
