package smpnet.sim;

/** The smpnet command line: runs the main job (the Giant-vs-fine comparison) and the other experiments. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("smpnet: the main job is being built.");
    }
}
