package smpnet.sim.servers;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating system's context switches of this process: the sum over its threads of
 * {@code voluntary_ctxt_switches} (the thread blocked) and {@code nonvoluntary_ctxt_switches} (it was
 * preempted) in {@code /proc/self/task/TID/status}. A thread that ended takes its counts with it, so a
 * measured window is read while its threads live. -1 where there is no {@code /proc} (not Linux).
 */
final class ContextSwitches {
    private static final Path TASKS = Path.of("/proc/self/task");

    private ContextSwitches() {}

    static long total() {
        if (!Files.isDirectory(TASKS)) return -1;
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) sum += ofTask(t.resolve("status"));
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    /** One thread's switches; 0 if it ended while being read. */
    private static long ofTask(Path status) {
        long n = 0;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    n += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }

    /** The most threads this user may run ({@code Max processes} of {@code /proc/self/limits}), or -1 if unknown. */
    static long userThreadLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max processes")) {
                    String soft = line.substring("Max processes".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
