package smpnet.sim.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpnet.sim.trace.ChromeTrace;

/** {@code --trace FILE} and {@code --trace-limit N}: a Chrome trace-event file of the run. */
public final class TraceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--trace", paramLabel = "FILE", description = {"write a trace of the run in the Chrome trace-event "
            + "JSON format (open it in Perfetto's UI, chrome://tracing or speedscope): a track per thread, lock holds "
            + "and waits, packet hops linked per packet, queue depths and mbufs in use"})
    Path file;

    @Option(names = "--trace-limit", paramLabel = "N", description = {"events kept per traced run, the rest counted as "
            + "dropped; default: " + ChromeTrace.DEFAULT_LIMIT})
    int limit = ChromeTrace.DEFAULT_LIMIT;

    /** A trace to record into, or null without {@code --trace}. */
    ChromeTrace newTrace() {
        return file == null ? null : new ChromeTrace(limit());
    }

    /** The bound per traced run, checked. */
    int limit() { return Checks.between(spec, "--trace-limit", limit, 1, 10_000_000); }

    /** Writes {@code t} (if any) to the file and says so. */
    void write(ChromeTrace t, String title, PrintStream out) throws IOException {
        if (t == null) return;
        t.write(file, title);
        out.printf("trace: %s (%d events%s)%n", file, t.size(), t.dropped() == 0 ? "" : ", " + t.dropped() + " more dropped at the limit");
    }
}
