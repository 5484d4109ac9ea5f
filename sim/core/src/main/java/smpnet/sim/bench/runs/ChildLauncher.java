package smpnet.sim.bench.runs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import smpnet.sim.SimSettings;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchOptions;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.stack.internal.os.Posix;

/**
 * Starts each case in a fresh child JVM (so one case's JIT and heap state cannot help or hurt the next),
 * pinned with {@code taskset} to the cores it is given when taskset exists, with the fixed flags and the
 * user's extra ones.
 */
public final class ChildLauncher {
    /**
     * Flags of every child JVM; written into the results. Witness and mbuf site tracking are off.
     *
     * <p>{@code -XX:+UseCondCardMark}: the parallel collector's write barrier marks a card (one byte per 512
     * bytes of heap) on every reference store into an old object, and one cache line of the card table
     * covers 32 KB of heap. Two CPUs storing references into their own sockets' buffers and caches, which
     * lie within 32 KB of each other, would then write the same card-table line on every packet; measured
     * side by side, fine mode on 2 CPUs got 0.97x of 1 CPU without the flag and 1.68x with it. With the
     * flag the barrier writes a card only when it is not dirty yet.
     */
    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC",
            "-XX:+UseCondCardMark", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
            "-Dsmpnet.witness=off", "-Dsmpnet.mbuf.track=off");

    private final Path taskset;
    private final List<String> extraFlags;
    private final PrintStream log;
    /** Arguments every child gets after its case's: a trace directory and bound, or none. */
    private List<String> traceArgs = List.of();

    /** Children get {@link #JVM_FLAGS} then {@code extraFlags} (so an extra flag overrides a fixed one). */
    public ChildLauncher(List<String> extraFlags, PrintStream log) {
        this.taskset = findOnPath("taskset");
        this.extraFlags = List.copyOf(extraFlags);
        this.log = log;
    }

    /** Every flag a child JVM gets. */
    public static List<String> jvmFlags(List<String> extraFlags) {
        List<String> all = new ArrayList<>(JVM_FLAGS);
        all.addAll(extraFlags);
        return List.copyOf(all);
    }

    /**
     * Makes every child trace its profiled window (if it runs one) into a file of {@code dir} named after its
     * case, keeping at most {@code limit} events.
     */
    public void traceTo(Path dir, int limit) {
        traceArgs = List.of(BenchChild.TRACE, dir.toString(), Integer.toString(limit));
    }

    /** Whether children can be pinned to given cores. */
    public boolean pins() {
        return taskset != null;
    }

    /** How a child is pinned to the cores {@code cpuList} (e.g. "0-1"): the taskset command, or "unpinned". */
    public String pinning(String cpuList) {
        return taskset == null ? "unpinned" : "taskset -c " + cpuList;
    }

    /** The cores of a case with {@code cpus} CPUs: the first ones. */
    public static String cpuList(int cpus) {
        return cpus == 1 ? "0" : "0-" + (cpus - 1);
    }

    /** Starts the child of {@code c} on the cores {@code cpuList}; it waits, paused, for its commands. */
    ChildProcess start(BenchCase c, String cpuList) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (taskset != null) cmd.addAll(List.of(taskset.toString(), "-c", cpuList));
        cmd.add(SimSettings.javaLauncher().toString());
        cmd.addAll(jvmFlags(extraFlags));
        cmd.addAll(List.of("-cp", SimSettings.classPath(), BenchChild.class.getName()));
        cmd.addAll(List.of(BenchChild.args(c)));
        cmd.addAll(traceArgs);
        return new ChildProcess(c, pinning(cpuList) + (bindsThreads(c) ? ", threads bound" : ""), cmd, log);
    }

    /**
     * Whether the child of {@code c} binds its threads to processors ({@code --bind}, on unless the flags turn it
     * off): a TCP bulk case on 2 CPUs or more, pinned by taskset to as many, on Linux. Its pinning then says so,
     * in the table and the result files.
     */
    boolean bindsThreads(BenchCase c) {
        if (c.path() != BenchPath.TCP_BULK || c.cpus() < 2 || taskset == null || !Posix.isLinux()) return false;
        String bind = "on"; // the last -D of the property wins, as in the child JVM
        for (String f : extraFlags) {
            if (f.startsWith("-D" + BenchOptions.BIND_PROPERTY + "=")) bind = f.substring(f.indexOf('=') + 1);
        }
        return bind.equals("on");
    }

    private static Path findOnPath(String name) {
        for (String dir : SimSettings.pathFolders()) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
