package smpnet.stack.fuzz;

import java.nio.file.Path;
import java.util.List;

/**
 * Long fuzzing campaigns, one target per JVM ({@code ./smpnet fuzz [target] [--inputs N]} starts one JVM
 * per target): replays the committed corpus and what earlier campaigns found, fuzzes {@code N} inputs
 * (default 10 million) or until {@code --seconds S}, writes each input that found new coverage to
 * {@code stack/target/fuzz-corpus/<target>} and any finding to {@code stack/target/fuzz-findings/<target>},
 * and exits 1 on a finding.
 *
 * <pre>
 *   FuzzMain target [--inputs N] [--seconds S] [--seed X] [--plant TARGET] [--check-every K]
 *                   [--mode GIANT|FINE|GIANT_OVER_FINE] [--dispatch DIRECT|DEFERRED|HYBRID]
 * </pre>
 */
public final class FuzzMain {
    private FuzzMain() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: FuzzMain target [--inputs N] [--seconds S] [--seed X] [--plant T] [--check-every K] [--progress S]");
            System.exit(2);
        }
        String target = args[0];
        long inputs = 10_000_000;
        long seconds = 0;
        long seed = System.nanoTime();
        String plant = "";
        int checkEvery = 1_000;
        long progressSeconds = 30;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--inputs" -> inputs = Long.parseLong(args[i + 1]);
                case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--plant" -> plant = args[i + 1];
                case "--check-every" -> checkEvery = Integer.parseInt(args[i + 1]);
                case "--progress" -> progressSeconds = Long.parseLong(args[i + 1]);
                case "--mode" -> System.setProperty("smpnet.fuzz.mode", args[i + 1]);
                case "--dispatch" -> System.setProperty("smpnet.fuzz.dispatch", args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path base = Path.of(System.getProperty("smpnet.fuzz.dir", "stack"));
        Path found = base.resolve("target/fuzz-corpus").resolve(target);
        System.out.printf("[fuzz] %s: up to %d inputs%s, seed %d, %s locking, %s netisr%n", target, inputs,
                seconds == 0 ? "" : " or " + seconds + " s", seed, System.getProperty("smpnet.fuzz.mode", "FINE"),
                System.getProperty("smpnet.fuzz.dispatch", "DIRECT"));
        FuzzEngine.Result r = FuzzEngine.run(target, new FuzzEngine.Options(inputs, seconds * 1_000_000_000L, checkEvery,
                seed, List.of(base.resolve("src/test/resources/fuzz").resolve(target), found), found, plant,
                progressSeconds * 1_000_000_000L, line -> System.out.println("[fuzz] " + line)));
        System.out.println("[fuzz] " + r);
        if (r.finding() != null) {
            FuzzEngine.write(base.resolve("target/fuzz-findings").resolve(target), r.input());
            System.exit(1);
        }
        System.exit(0);
    }
}
