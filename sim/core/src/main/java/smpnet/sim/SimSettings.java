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

    /**
     * This JVM's own flags (its collector, heap bounds, --enable-native-access, -D properties, and those of
     * JAVA_TOOL_OPTIONS), for a child JVM that must run as this one does; a debugger's agent is left out (a
     * child would listen on the same port).
     */
    public static List<String> jvmFlags() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(f -> !f.startsWith("-agentlib:jdwp") && !f.startsWith("-Xrunjdwp")).toList();
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
