package smpnet.sim;

import java.util.Arrays;
import smpnet.sim.cli.SmpnetCommand;

/** The entry point of the sim jar: the smpnet command line ({@link SmpnetCommand}). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(SmpnetCommand.execute(Arrays.asList(args), System.out, System.err));
    }
}
