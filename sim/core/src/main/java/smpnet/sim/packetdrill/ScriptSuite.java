package smpnet.sim.packetdrill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import smpnet.stack.Stack;
import smpnet.stack.locks.LockMode;

/** Scripts by file: finding them under directories, running one in a mode, and printing outcomes. */
public final class ScriptSuite {
    private ScriptSuite() {}

    /** The {@code .pkt} files named, and those under the directories named (recursively), each list sorted. */
    public static List<Path> collect(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".pkt")).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IOException("no such file or directory: " + p);
            }
        }
        return out;
    }

    /** Reads and runs the script {@code file} in {@code mode}; a script that cannot be read is a PARSE outcome. */
    public static Outcome run(Path file, LockMode mode, long seed) {
        return run(file, mode, seed, host -> { });
    }

    /** As {@link #run(Path, LockMode, long)}, handing the host to {@code prepare} before it starts. */
    public static Outcome run(Path file, LockMode mode, long seed, Consumer<Stack> prepare) {
        Script script;
        try {
            script = ScriptParser.parse(file);
        } catch (ScriptParseException e) {
            return new Outcome(file.toString(), mode, new Outcome.Failure(Outcome.Kind.PARSE, e.line(), e.getMessage()), 0);
        } catch (IOException e) {
            return new Outcome(file.toString(), mode, new Outcome.Failure(Outcome.Kind.PARSE, 0, file + ": " + e.getMessage()), 0);
        }
        return ScriptRunner.run(script, mode, seed, prepare);
    }

    /** The mode as the command line writes it: fine, giant, giant-over-fine. */
    public static String modeName(LockMode mode) { return mode.name().toLowerCase().replace('_', '-'); }

    /** "PASS file [fine]", or "FAIL file [fine] (KIND)" and the mismatch's lines, indented. */
    public static String describe(Outcome o) {
        String head = (o.passed() ? "PASS " : "FAIL ") + o.file() + " [" + modeName(o.mode()) + "]";
        if (o.passed()) return head;
        return head + " (" + o.failure().kind() + ")\n    " + o.failure().message().replace("\n", "\n    ");
    }
}
