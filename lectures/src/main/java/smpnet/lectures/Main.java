package smpnet.lectures;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import smpnet.labs.grading.Grader;
import smpnet.labs.grading.Lab;
import smpnet.labs.grading.LabRuns;

/**
 * The course's commands (run through {@code ./smpnet}):
 * <pre>
 *   grade NN [--variant src|solution|wrong/NAME]   grade one lab (default: the student's src/)
 *   grade all                                      grade every lab, each in its own JVM, and sum the points
 *   experiment NN [--variant V]                    run a measurement lab's experiment on the student's code
 *   lectures [NOTE.md ...]                         regenerate the examples (command and output) of every note,
 *                                                  or of the notes named (file names under lectures/)
 *   demo NAME                                      run one of the lectures' example programs
 * </pre>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        Path repo = option(rest, "--repo") instanceof String r ? Path.of(r) : Repo.root();
        String cmd = rest.isEmpty() ? "help" : rest.removeFirst();
        int rc = switch (cmd) {
            case "grade" -> grade(repo, rest);
            case "experiment" -> experiment(repo, rest);
            case "lectures" -> Examples.regenerate(repo, System.out, rest);
            case "demo" -> Demos.run(rest, System.out);
            default -> {
                System.err.println("usage: grade NN|all [--variant V] | experiment NN [--variant V] | lectures [NOTE.md ...] | demo NAME");
                yield 2;
            }
        };
        System.out.flush();
        // A wrong solution may leave deadlocked threads behind; the verdict is printed, so leave now.
        System.exit(rc);
    }

    private static int grade(Path repo, List<String> args) throws Exception {
        String variant = option(args, "--variant");
        String classes = option(args, "--classes");      // already compiled (LabRuns compiles before it forks)
        if (args.size() != 1) {
            System.err.println("usage: grade NN|all [--variant src|solution|wrong/NAME]");
            return 2;
        }
        if (!args.get(0).equals("all")) {
            Lab lab = Lab.find(repo, args.get(0));
            String v = variant == null ? Lab.STARTER : variant;
            List<Grader.Outcome> outcomes = classes != null ? Grader.gradeCompiled(lab, v, Path.of(classes), System.out)
                    : Grader.grade(lab, v, System.out);
            return !outcomes.isEmpty() && outcomes.stream().allMatch(Grader.Outcome::passed) ? 0 : 1;
        }
        int total = 0;
        int max = 0;
        boolean all = true;
        List<String> broken = new ArrayList<>();
        for (Lab lab : Lab.all(repo)) {
            LabRuns.Run run = LabRuns.run(repo, lab, variant == null ? Lab.STARTER : variant);
            System.out.print(run.output());
            total += run.points().values().stream().mapToInt(Integer::intValue).sum();
            max += run.max().values().stream().mapToInt(Integer::intValue).sum();
            all &= !run.compileFailed() && run.failed().isEmpty();
            if (run.compileFailed()) {
                broken.add(lab.name());
            }
            System.out.println();
        }
        System.out.println("all labs: " + total + "/" + max
                + (broken.isEmpty() ? "" : ", not counted because they do not compile: " + broken));
        return all ? 0 : 1;
    }

    private static int experiment(Path repo, List<String> args) throws Exception {
        String variant = option(args, "--variant");
        if (args.size() != 1) {
            System.err.println("usage: experiment NN [--variant src|solution|wrong/NAME]");
            return 2;
        }
        return Grader.experiment(Lab.find(repo, args.get(0)), variant == null ? Lab.STARTER : variant, System.out) ? 0 : 1;
    }

    /** Removes {@code --name value} from {@code args} and returns the value, or null. */
    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        args.remove(i);
        return args.remove(i);
    }
}
