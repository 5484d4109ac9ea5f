package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stack's public surface is what README.md lists, and no larger than the bound README.md states: every
 * public top-level type outside the {@code internal} packages, found in the compiled classes.
 */
class PublicSurfaceTest {
    private static final Pattern BOUND = Pattern.compile("at most \\*\\*(\\d+)\\*\\* public top-level types");
    private static final Pattern LISTED = Pattern.compile("^\\| `([a-z.]*[A-Z]\\w*)` \\|", Pattern.MULTILINE);

    @Test
    void thePublicTypesAreTheOnesTheReadmeListsAndNoMoreThanItsBound() throws Exception {
        String all = Files.readString(Path.of("..", "README.md"));
        int start = all.indexOf("\n## Public surface\n");
        assertTrue(start >= 0, "README.md has a section \"Public surface\"");
        int end = all.indexOf("\n## ", start + 1);
        String readme = all.substring(start, end < 0 ? all.length() : end);
        Matcher bound = BOUND.matcher(readme);
        assertTrue(bound.find(), "README.md states the bound: \"at most **N** public top-level types\"");
        TreeSet<String> listed = new TreeSet<>();
        for (Matcher m = LISTED.matcher(readme); m.find(); ) listed.add(m.group(1));
        TreeSet<String> found = publicTypes();
        assertEquals(String.join("\n", listed), String.join("\n", found),
                "README.md's table of the public surface, against the compiled classes");
        int max = Integer.parseInt(bound.group(1));
        assertTrue(found.size() <= max, found.size() + " public types, more than the " + max + " README.md allows");
    }

    /** Public top-level types of smpnet.stack outside internal packages, named relative to smpnet.stack. */
    private static TreeSet<String> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(Stack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = classes.resolve("smpnet/stack");
        TreeSet<String> out = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        for (Path p : files) {
            String rel = root.relativize(p).toString().replace('\\', '/');
            if (rel.contains("$") || rel.startsWith("internal/") || rel.endsWith("package-info.class")) continue;
            String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
            Class<?> c = Class.forName("smpnet.stack." + name, false, Stack.class.getClassLoader());
            if (Modifier.isPublic(c.getModifiers())) out.add(name);
        }
        return out;
    }
}
