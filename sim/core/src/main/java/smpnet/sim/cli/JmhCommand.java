package smpnet.sim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench [FILTER] [-- JMH options]}: the JMH benchmarks, in a JVM of their own. */
@Command(name = "bench",
        description = {"Runs the JMH benchmarks (module sim/jmh, packaged as smpnet-benchmarks.jar) whose names match "
                + "FILTER (a regular expression; default: all), in a JVM of their own; options after '--' go to JMH "
                + "unchanged (e.g. -- -f 3 -wi 2). --list names the matching benchmarks without running them."})
public final class JmhCommand extends Subcommand {
    /** Where {@code ./smpnet} builds the benchmarks' jar, from the repository's top directory. */
    static final Path DEFAULT_JAR = Path.of("sim/jmh/target/smpnet-benchmarks.jar");

    @Parameters(paramLabel = "FILTER", index = "0", arity = "0..1", description = {"benchmarks to run: a regular expression on their names"})
    String filter;

    @Parameters(paramLabel = "JMH-OPTION", index = "1..*", arity = "0..*", hidden = true)
    List<String> jmhOptions = List.of();

    @Option(names = "--list", description = {"list the matching benchmarks, run none"})
    boolean list;

    @Option(names = "--jar", paramLabel = "JAR", description = {"the benchmarks' jar; default: " + "sim/jmh/target/smpnet-benchmarks.jar"})
    Path jar = DEFAULT_JAR;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jar)) {
            top.err().println("smpnet bench: no benchmarks jar at " + jar + " (build it: mvn -pl sim/jmh -am package -DskipTests)");
            return SmpnetCommand.FAILED;
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString()));
        if (list) cmd.add("-l");
        if (filter != null) cmd.add(filter);
        cmd.addAll(jmhOptions);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = p.getInputStream()) {
            in.transferTo(out());
        }
        out().flush();
        int status = p.waitFor();
        return status == 0 ? 0 : SmpnetCommand.FAILED;
    }
}
