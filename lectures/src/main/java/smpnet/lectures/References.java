package smpnet.lectures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks that what the notes name in backticks still exists, so a lecture cannot silently point at a file
 * or a method that was moved or renamed. The rules (also in lectures/README.md):
 * <ul>
 * <li>a span with a {@code /} whose first part is a top-level entry of the repository is a path: it must
 *     exist (as written, or with {@code .java} added); a {@code ...} part stands for any folders;</li>
 * <li>{@code Name.java} must be some file of the repository;</li>
 * <li>{@code Class}, {@code Class.member} or {@code Class.member()} (a capitalised first word): the class
 *     must be declared in the repository's Java sources or be a JDK class, and the member must be declared
 *     in that class or a class it extends;</li>
 * <li>everything else (commands, lock class names like {@code inp}, FreeBSD's {@code kern/subr_witness.c},
 *     constants in capitals) is prose, not checked.</li>
 * </ul>
 * Names that are deliberately outside this repository (another project's classes) are listed in
 * {@link #EXTERNAL}.
 */
public final class References {
    /** Classes named in the notes that belong to other projects. */
    static final Set<String> EXTERNAL = Set.of("CycleDetectingLockFactory");
    private static final List<String> JDK_PACKAGES = List.of("java.lang", "java.util", "java.util.concurrent",
            "java.util.concurrent.locks", "java.util.concurrent.atomic", "java.lang.foreign", "java.lang.invoke");
    private static final Pattern CLASS_REF = Pattern.compile("([A-Z][A-Za-z0-9_]*)((?:\\.[A-Za-z_][A-Za-z0-9_]*(?:\\(\\))?)*)");
    private static final Pattern EXTENDS = Pattern.compile("\\bextends\\s+([A-Z][A-Za-z0-9_]*)");

    private final Path repo;
    private final List<String> paths = new ArrayList<>();
    private final Map<String, Path> classFiles = new HashMap<>();

    public References(Path repo) {
        this.repo = repo;
        try (Stream<Path> s = Files.walk(repo)) {
            s.filter(p -> !p.equals(repo)).forEach(p -> {
                String rel = repo.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith(".git") || rel.contains("target/") || rel.endsWith("target")) {
                    return;
                }
                paths.add(Files.isDirectory(p) ? rel + "/" : rel);
                if (rel.endsWith(".java")) {
                    String simple = p.getFileName().toString().replace(".java", "");
                    classFiles.merge(simple, p, (a, b) -> rel.contains("/src/main/") ? b : a);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is wrong with {@code span}, or null when it is fine or not a reference. */
    public String check(String span) {
        String s = span.strip();
        if (s.contains(" ") || s.startsWith("./") || s.startsWith("-")) {
            return null;
        }
        if (s.contains("/")) {
            String first = s.substring(0, s.indexOf('/'));
            if (!Files.exists(repo.resolve(first))) {
                return null;   // another project's path, e.g. FreeBSD's kern/subr_witness.c
            }
            return pathExists(s) || pathExists(s + ".java") ? null : "no such path: " + s;
        }
        if (s.endsWith(".java")) {
            return paths.stream().anyMatch(p -> p.endsWith("/" + s) || p.equals(s)) ? null : "no file " + s;
        }
        if (s.endsWith(".md")) {
            return null;
        }
        Matcher m = CLASS_REF.matcher(s);
        if (!m.matches() || s.equals(s.toUpperCase()) || s.contains("_") && !s.contains(".")) {
            return null;
        }
        return checkClass(m.group(1), m.group(2).isEmpty() ? List.of()
                : List.of(m.group(2).substring(1).replace("()", "").split("\\.")));
    }

    private String checkClass(String cls, List<String> members) {
        if (EXTERNAL.contains(cls)) {
            return null;
        }
        Path file = classFiles.get(cls);
        if (file == null) {
            file = nestedDeclaration(cls);
        }
        if (file != null) {
            if (members.isEmpty() || declaredIn(file, members.getFirst(), 0)) {
                return null;
            }
            return "no member " + members.getFirst() + " in " + cls + " (" + repo.relativize(file) + ")";
        }
        for (String pkg : JDK_PACKAGES) {
            try {
                Class<?> c = Class.forName(pkg + "." + cls);
                if (members.isEmpty() || jdkMember(c, members.getFirst())) {
                    return null;
                }
                return "no member " + members.getFirst() + " in " + c.getName();
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return "no class " + cls + " in the repository or the JDK";
    }

    private Path nestedDeclaration(String cls) {
        Pattern decl = Pattern.compile("\\b(class|interface|record|enum)\\s+" + cls + "\\b");
        for (Path p : classFiles.values()) {
            if (decl.matcher(Notes.read(p)).find()) {
                return p;
            }
        }
        return null;
    }

    private boolean declaredIn(Path file, String member, int depth) {
        String src = Notes.read(file);
        Pattern decl = Pattern.compile("(\\b" + member + "\\s*\\()|(\\b" + member + "\\s*[=;,]\\s)"
                + "|(\\b" + member + "\\s*[;,(]?\\s*$)", Pattern.MULTILINE);
        if (decl.matcher(src).find()) {
            return true;
        }
        Matcher ext = EXTENDS.matcher(src);
        while (depth < 8 && ext.find()) {
            Path parent = classFiles.get(ext.group(1));
            if (parent != null && declaredIn(parent, member, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean jdkMember(Class<?> c, String member) {
        for (var m : c.getMethods()) {
            if (m.getName().equals(member)) {
                return true;
            }
        }
        for (var f : c.getFields()) {
            if (f.getName().equals(member)) {
                return true;
            }
        }
        return false;
    }

    private boolean pathExists(String s) {
        if (!s.contains("...")) {
            String dir = s.endsWith("/") ? s : s + "/";
            return paths.contains(s) || paths.contains(dir);
        }
        StringBuilder re = new StringBuilder();
        for (String part : s.split("(?<=/)|(?=/)")) {
            re.append(part.equals("...") ? "[^\\n]*?" : Pattern.quote(part));
        }
        Pattern p = Pattern.compile(re + "/?");
        return paths.stream().anyMatch(x -> p.matcher(x).matches());
    }
}
