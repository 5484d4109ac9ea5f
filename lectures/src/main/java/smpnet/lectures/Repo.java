package smpnet.lectures;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's top folder: the one with {@code pom.xml} and {@code lectures/}. */
public final class Repo {
    private Repo() {}

    /** The top folder at or above the working directory. */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("pom.xml")) && Files.isDirectory(q.resolve("lectures/labs"))) {
                return q;
            }
        }
        throw new IllegalStateException("not inside the smpnet repository: " + p);
    }
}
