package smpnet.sim.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The smpnet command line: {@code java -jar smpnet-sim.jar COMMAND [options]}, which {@code ./smpnet} runs.
 * Each command is a picocli subcommand; with no command, or options first, the main job ({@code run}) runs,
 * so {@code ./smpnet run --runs 1} and {@code ./smpnet run seeded --seed 7} both read as written.
 *
 * <p>Exit status: 0 when the command succeeded, {@link #FAILED} when a run failed, {@link #USAGE} for a
 * command line that cannot be run (picocli prints the error and the command's usage).
 */
@Command(name = "smpnet",
        description = "smpnet's experiments: the main job, scenarios, seeded runs and the benchmarks.",
        footer = {"", "With no command, or options first, runs 'run' (the main job).",
                "'help COMMAND' or 'COMMAND --help' shows a command's options."})
public final class SmpnetCommand {
    /** Exit status for a run that failed. */
    public static final int FAILED = 1;
    /** Exit status for a command line that cannot be run. */
    public static final int USAGE = 2;

    /**
     * Every command, in the order help lists them. To add one, write a picocli {@code @Command} class
     * (extending {@link Subcommand}, which gives it --help and the output streams) and
     * add its constructor here; nothing else registers it.
     */
    static final List<Supplier<Object>> COMMANDS = List.of(
            RunCommand::new,
            BenchUdpCommand::new,
            TcpCommand::new,
            BenchTcpCommand::new,
            ScenarioCommand::new,
            CompareCommand::new,
            SeededRunCommand::new,
            SeededCostCommand::new,
            SysctlCommand::new,
            PacketdrillCommand::new,
            TapCommand::new,
            ServersCommand::new,
            ReportCommand::new,
            JmhCommand::new,
            NetstatCommand::new,
            CaptureCommand::new,
            WitnessCommand::new,
            TraceCommand::new);

    @picocli.CommandLine.Mixin
    HelpOption help;

    private final PrintStream out;
    private final PrintStream err;

    SmpnetCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Where commands print their results. */
    public PrintStream out() { return out; }

    /** Where commands print warnings and failures. */
    public PrintStream err() { return err; }

    /** Runs the command line {@code args}; returns the exit status. */
    public static int execute(List<String> args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(out, err);
        List<String> a = new ArrayList<>(args);
        if (a.isEmpty() || a.getFirst().startsWith("-")) a.addFirst("run");
        return cl.execute(a.toArray(String[]::new));
    }

    /** The whole command tree, printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new SmpnetCommand(out, err));
        for (Supplier<Object> c : COMMANDS) {
            Object command = c.get();
            CommandLine sub = new CommandLine(command);
            if (command instanceof HelpFooter f) {
                // picocli reads help text as format strings: a '%' of the text is doubled
                sub.getCommandSpec().usageMessage().footer(java.util.Arrays.stream(f.footer()).map(l -> l.replace("%", "%%"))
                        .toArray(String[]::new));
            }
            cl.addSubcommand(sub);
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            err.println("smpnet " + failed.getCommandName() + ": the run failed: " + e.getMessage());
            return FAILED;
        });
        return cl;
    }
}
