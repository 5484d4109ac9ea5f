package smpnet.labs.lor;

import static smpnet.labs.grading.Checks.check;
import static smpnet.labs.grading.Checks.fail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import smpnet.labs.grading.Checkpoint;
import smpnet.labs.grading.Checks;
import smpnet.witness.Report;

/**
 * Lab 1's checkpoints. The answers are compared by their SHA-256, so this file does not give them away:
 * the report does.
 */
final class Lab01 {
    private Lab01() {}

    private static final String ACQUIRING = "3fe0845620a029120fa12066b2415f6c1ce1c15239968ea84f2d40cf741c88f2";
    private static final String WHILE_HOLDING = "4846f6652442e507a3556ce7858ee1a881cd533db2167d098ac4bbcb663dba88";
    private static final String ESTABLISHED = "6838af7215efdd54588154104d332905b1746c09d0282634ee0fa1a44449812b";
    private static final String REVERSING = "06e01858283baa9399854b85546220ed30260377fea4f7168fa49a792ec59560";
    private static final String THREADS = "208ed34861d8e9a0799cf99f1c0bcd30ad9aeef128667af0bb0757bbc2727ef5";

    @Checkpoint(order = 1, id = "no-reversal", points = 4,
            title = "the scenario runs without any witness report")
    static void noReversal() throws Exception {
        List<Report> reports = Checks.reportsDuring(Scenario::run);
        if (!reports.isEmpty()) {
            fail("witness reported " + reports.size() + " problem(s) while the scenario ran (Scenario.java):\n\n"
                    + Checks.withoutGraderFrames(reports.get(0).text()) + "\n"
                    + "Read this report line by line (lecture 1, \"Reading a report\"; the line-by-line format is\n"
                    + "in witness/README.md). Answer the questions in Answers.java, then change the code so that\n"
                    + "no thread ever takes these locks in an order that closes this cycle.");
        }
    }

    @Checkpoint(order = 2, id = "classes", points = 2, title = "Answers: the lock acquired and the lock held")
    static void classes() {
        String acquiring = word(Answers.ACQUIRING);
        String holding = word(Answers.WHILE_HOLDING);
        check(!(hash(acquiring).equals(WHILE_HOLDING) && hash(holding).equals(ACQUIRING)),
                "ACQUIRING and WHILE_HOLDING are swapped: \"acquiring:\" names the class the thread asked for"
                        + " when witness stopped it, \"while holding:\" the class it already held.");
        check(hash(acquiring).equals(ACQUIRING), "ACQUIRING = \"" + Answers.ACQUIRING + "\" is not the class on"
                + " the report's \"acquiring:\" line (write the class name alone, as the report does).");
        check(hash(holding).equals(WHILE_HOLDING), "WHILE_HOLDING = \"" + Answers.WHILE_HOLDING + "\" is not the"
                + " class on the report's \"while holding:\" line.");
    }

    @Checkpoint(order = 3, id = "established", points = 2, title = "Answers: the order established before")
    static void established() {
        String given = order(Answers.ESTABLISHED);
        List<String> parts = List.of(given.split("->"));
        String reversed = String.join("->", parts.reversed());
        check(!hash(reversed).equals(ESTABLISHED), "ESTABLISHED is the established order read backwards: the"
                + " report writes it from the class being acquired to the class held, each arrow an order some"
                + " code already took.");
        check(hash(given).equals(ESTABLISHED), "ESTABLISHED = \"" + Answers.ESTABLISHED + "\" is not the"
                + " report's \"established order:\" line. It is a path of learned edges, one \"edge a -> b\""
                + " block each, from the class being acquired to the class held; write it as \"a -> b -> c\".");
    }

    @Checkpoint(order = 4, id = "reversing-method", points = 2, title = "Answers: where the reversal happened")
    static void reversingMethod() {
        check(hash(method(Answers.REVERSING_METHOD)).equals(REVERSING), "REVERSING_METHOD = \""
                + Answers.REVERSING_METHOD + "\" is not the first frame under \"reversing acquisition ... at:\""
                + " (write it as Class.method). The frames under the \"edge\" lines are where the established"
                + " order was learned, not where it was reversed.");
    }

    @Checkpoint(order = 5, id = "interleaving", points = 2, title = "Answers: threads needed to deadlock")
    static void interleaving() {
        check(hash(String.valueOf(Answers.DEADLOCK_THREADS)).equals(THREADS), "DEADLOCK_THREADS = " + Answers.DEADLOCK_THREADS + " is not"
                + " the number of \"thread <i> holds ... and wants ...\" lines under \"deadlock interleaving:\"."
                + " One thread per edge of the cycle: each holds one lock of the cycle and waits for the next.");
    }

    @Checkpoint(order = 6, id = "still-works", points = 3,
            title = "the fixed code still delivers, drops, counts and reports")
    static void stillWorks() {
        Scenario.Outcome o = Scenario.run();
        check(o.atA().equals(List.of("a0", "a1")), "port 5000 (limit 2) should hold [a0, a1] and drop the"
                + " rest; it held " + o.atA());
        check(o.atB().equals(List.of("b0")), "port 5001 should hold [b0]; it held " + o.atB());
        check(o.open().equals(List.of(5000, 5001)), "the open ports should be [5000, 5001]; they were " + o.open());
        String want = "delivered 3, dropped 3, no port 1, open ports 2";
        check(o.report().equals(want), "Stats.report() returned \"" + o.report() + "\"; the scenario expects \""
                + want + "\". A fix changes the order of the locks, never what the code counts.");
    }

    // ---- how answers are compared ----

    static String word(String s) { return s.strip().toLowerCase(Locale.ROOT); }

    static String order(String s) { return s.replaceAll("\\s+", "").toLowerCase(Locale.ROOT); }

    /** "smpnet.labs.lor.Foo.bar(Foo.java:12)", "Foo.bar()" and "Foo.bar" all become "foo.bar". */
    static String method(String s) {
        String m = s.strip();
        int paren = m.indexOf('(');
        if (paren >= 0) {
            m = m.substring(0, paren);
        }
        String[] parts = m.split("\\.");
        return parts.length < 2 ? m.toLowerCase(Locale.ROOT)
                : (parts[parts.length - 2] + "." + parts[parts.length - 1]).toLowerCase(Locale.ROOT);
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("lab01:" + s).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
