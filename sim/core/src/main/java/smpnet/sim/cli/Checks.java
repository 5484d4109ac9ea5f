package smpnet.sim.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks on option values that picocli has already converted, failing as picocli's usage errors. */
public final class Checks {
    private Checks() {}

    /** {@code v}, when it lies in {@code [min, max]}. */
    public static int between(CommandSpec spec, String option, int v, int min, int max) {
        if (v < min || v > max) throw usage(spec, option + " must be between " + min + " and " + max + ", not " + v);
        return v;
    }

    /** {@code v} seconds, when it lies in {@code [min, max]} (not NaN). */
    public static double seconds(CommandSpec spec, String option, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw usage(spec, option + " must be between " + min + " and " + max + " seconds, not " + v);
        }
        return v;
    }

    /** {@code values}, each in {@code [min, max]} and none twice. */
    public static List<Integer> distinct(CommandSpec spec, String option, List<Integer> values, int min, int max) {
        for (int i = 0; i < values.size(); i++) {
            between(spec, option, values.get(i), min, max);
            if (values.subList(0, i).contains(values.get(i))) throw usage(spec, option + " lists " + values.get(i) + " twice");
        }
        return List.copyOf(values);
    }

    /** A usage error of {@code spec}'s command: picocli prints {@code message} and the command's usage. */
    public static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
