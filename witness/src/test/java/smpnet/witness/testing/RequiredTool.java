package smpnet.witness.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program that a test needs (tshark, Graphviz's {@code dot}, ...). Without the program the test fails
 * with a message that names it and the package to install, never passes and never stops on a bare
 * "No such file or directory". {@code ./smpnet test} installs these programs when they are missing (its list
 * is {@code .ci/tools}), so a test that fails here ran where that install was not possible.
 */
public final class RequiredTool {
    /** Longer than any of our tools needs on a loaded machine, short enough to fail a hung one. */
    private static final long TIMEOUT_SECONDS = 60;

    private RequiredTool() {}

    /** What the program printed, and how it ended. */
    public record Output(int exitStatus, String out, String err) {}

    /**
     * Runs {@code command} to its end, with {@code stdin} (may be empty) as its input, and returns what it
     * printed. Fails (AssertionError) when the program is not installed ({@code debianPackage} has it) or
     * runs longer than a minute.
     */
    public static Output run(ProcessBuilder command, String debianPackage, byte[] stdin)
            throws IOException, InterruptedException {
        String program = command.command().get(0);
        if (!onPath(program)) {
            throw new AssertionError(program + " is not installed (Debian package " + debianPackage
                    + "), and this test needs it. ./smpnet test installs it when it can (apt-get, as root or"
                    + " with sudo); install it yourself with: sudo apt-get install " + debianPackage);
        }
        Process p = command.redirectErrorStream(false).start();
        // Both pipes drained at once: a program blocked on a full stderr pipe would never end.
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        String out = read(p.getInputStream());
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(program + " did not finish within " + TIMEOUT_SECONDS + " s: " + command.command());
        }
        try {
            return new Output(p.exitValue(), out, err.get());
        } catch (ExecutionException e) {
            throw new IOException("reading " + program + "'s error output", e.getCause());
        }
    }

    /**
     * Runs {@code command} as {@link #run} does and returns its standard output; fails when it exits with
     * another status than 0, quoting its error output.
     */
    public static String output(ProcessBuilder command, String debianPackage) throws IOException, InterruptedException {
        Output o = run(command, debianPackage, new byte[0]);
        if (o.exitStatus() != 0) {
            throw new AssertionError(command.command().get(0) + " exited with status " + o.exitStatus() + ": "
                    + o.err());
        }
        return o.out();
    }

    /** Whether {@code program} is an executable file in one of the PATH's folders (or a path to one). */
    public static boolean onPath(String program) {
        if (program.contains(File.separator)) return Files.isExecutable(Path.of(program));
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
