package smpnet.labs.lor;

/**
 * Your reading of witness's report (./smpnet grade 01 prints it under the first checkpoint). Write each
 * answer exactly as the report spells it; the grader compares them with the report of the code as it was
 * handed out, so answer before you fix the code (or keep a copy of the report).
 */
final class Answers {
    private Answers() {}

    /** The lock class being acquired when witness reported (its "acquiring:" line), e.g. "so_rcv". */
    static final String ACQUIRING = "ports";

    /** The lock class held at that moment that closes the cycle (its "while holding:" line). */
    static final String WHILE_HOLDING = "stats";

    /** The order witness had learned before, as the report writes it: "a -> b -> c". */
    static final String ESTABLISHED = "ports -> endpoint -> stats";

    /** The method that made the reversing acquisition, as Class.method (the first frame of its stack). */
    static final String REVERSING_METHOD = "Stats.report";

    /** How many threads the report's deadlock interleaving needs. */
    static final int DEADLOCK_THREADS = 3;
}
