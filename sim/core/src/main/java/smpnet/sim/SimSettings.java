package smpnet.sim;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the simulator reads from its JVM and its process environment, all of it, here. sim has no property of
 * its own (the README lists every property of the project): it reads the JDK's standard ones to start child
 * JVMs like itself and to describe the machine beside its figures, and the PATH to find {@code taskset}.
 */
public final class SimSettings {
    private SimSettings() {}

    /** The {@code java} launcher of the JDK that runs this JVM: children run on the same JDK. */
    public static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** This JVM's class path, which children get too. */
    public static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** The JDK's vendor and version, as the results name it. */
    public static String jdk() {
        return System.getProperty("java.vm.vendor", "?") + " " + Runtime.version();
    }

    /** The folders of the PATH, in order (none when it is not set). */
    public static List<String> pathFolders() {
        String path = System.getenv("PATH");
        if (path == null) return List.of();
        return Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).toList();
    }
}
