package smpnet.labs.delack;

import static smpnet.labs.grading.Checks.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import smpnet.labs.grading.Checkpoint;
import smpnet.labs.grading.Checks;
import smpnet.sim.packetdrill.Outcome;
import smpnet.sim.packetdrill.Script;
import smpnet.sim.packetdrill.ScriptParser;
import smpnet.sim.packetdrill.ScriptRunner;
import smpnet.sim.packetdrill.ScriptSuite;
import smpnet.stack.locks.LockMode;

/**
 * Lab 8's checkpoints: each runs one packetdrill script of {@code grade/scripts/} against an smpnet host whose
 * TCP asks the student's {@link DelayedAck} when to acknowledge, in each locking mode. The scripts run on the
 * packetdrill runner's virtual clock from a fixed seed, so a verdict never depends on the machine; a failure
 * is the runner's first mismatch in packetdrill's words (script line, expected and actual packet or time),
 * followed by what the rule it tests says.
 */
final class Lab08 {
    private static final List<LockMode> MODES = List.of(LockMode.FINE, LockMode.GIANT, LockMode.GIANT_OVER_FINE);

    private Lab08() {}

    /**
     * Runs {@code grade/scripts/NAME.pkt} in every mode with the student's policy installed; fails with the
     * first mismatch and {@code rule}.
     */
    private static void script(String name, String rule) throws Exception {
        refuseTheStacksOwnRule();
        String file = "grade/scripts/" + name + ".pkt";
        String text = Files.readString(Checks.labDir().resolve(file));
        Script script = ScriptParser.parse(file, text);
        for (LockMode mode : MODES) {
            Outcome o = ScriptRunner.run(script, mode, ScriptRunner.DEFAULT_SEED, host -> host.tcpAckPolicy(new DelayedAck()));
            if (!o.passed()) {
                Checks.fail(ScriptSuite.describe(o) + "\n" + explain(o.failure(), text) + "\n\n" + rule);
            }
        }
    }

    private static final Pattern TIMING = Pattern.compile("expected outbound packet at ([0-9.]+) sec but happened at ([0-9.]+) sec");

    /** The script's line that failed, and what the mismatch says about the policy. */
    private static String explain(Outcome.Failure f, String text) {
        String[] lines = text.split("\n", -1);
        String line = f.line() >= 1 && f.line() <= lines.length
                ? "line " + f.line() + " of the script: " + lines[f.line() - 1].strip() + "\n" : "";
        Matcher m = TIMING.matcher(f.message());
        if (f.kind() == Outcome.Kind.TIMING && m.find()) {
            long late = Math.round((Double.parseDouble(m.group(2)) - Double.parseDouble(m.group(1))) * 1000);
            return line + (late > 0
                    ? "That ACK came " + late + " ms late: your policy let it wait for the delayed-ACK timer, and the"
                      + " script expects it at once."
                    : "That ACK came " + -late + " ms early: your policy sent it at once, and the script expects it"
                      + " to wait for the delayed-ACK timer.");
        }
        if (f.kind() == Outcome.Kind.PACKET && f.message().contains("tcp_ack_seq")) {
            return line + "The host sent an ACK the script does not expect here: your policy acknowledged at once a"
                    + " segment whose ACK may wait, so this ACK comes before the one the script expects.";
        }
        return line;
    }

    /** The stack's default policy is FreeBSD's; a class that hands the decision to it has written no rule. */
    private static void refuseTheStacksOwnRule() throws IOException {
        byte[] bytes;
        try (InputStream in = DelayedAck.class.getResourceAsStream("DelayedAck.class")) {
            bytes = in.readAllBytes();
        }
        check(!new String(bytes, StandardCharsets.ISO_8859_1).contains("FREEBSD"), "DelayedAck uses"
                + " AckPolicy.FREEBSD, the stack's own rule: write the rule yourself, from RFC 5681 4.2 and the lab's"
                + " README.");
    }

    @Checkpoint(order = 1, id = "lone-segment-delayed", points = 3,
            title = "a lone in-order segment is acknowledged by the delayed-ACK timer, 40 ms later")
    static void loneSegmentDelayed() throws Exception {
        script("lone-segment-delayed", "A segment that arrives in order, with nothing owed, may wait for the"
                + " delayed-ACK timer (RFC 1122 4.2.3.2; 40 ms here): the reader may answer in that time, and the ACK"
                + " then rides on the answer. Acknowledging it at once is correct, and costs a packet per segment.");
    }

    @Checkpoint(order = 2, id = "ack-every-second", points = 4,
            title = "back-to-back segments: an ACK at once for every second one, the odd last one delayed")
    static void ackEverySecond() throws Exception {
        script("ack-every-second", "RFC 5681 4.2: an ACK SHOULD be generated for at least every second full-sized"
                + " segment. When a segment arrives and an ACK is already owed for the one before it (the timer runs),"
                + " acknowledge both at once; the sender's window grows with every ACK, and a sender that waits"
                + " 40 ms for each pair of segments is slow.");
    }

    @Checkpoint(order = 3, id = "out-of-order-at-once", points = 3,
            title = "a segment beyond a hole is acknowledged at once (a duplicate ACK with SACK blocks)")
    static void outOfOrderAtOnce() throws Exception {
        script("out-of-order-at-once", "RFC 5681 4.2: a TCP receiver SHOULD send an immediate duplicate ACK when"
                + " an out-of-order segment arrives. The sender counts duplicate ACKs to detect a loss (three start"
                + " fast retransmit) and reads the SACK blocks in them; a delayed one comes too late to help.");
    }

    @Checkpoint(order = 4, id = "oversized-at-once", points = 2,
            title = "a segment larger than a full-sized one is acknowledged at once; the next full-sized one waits")
    static void oversizedAtOnce() throws Exception {
        script("oversized-at-once", "A segment that carries more than one full-sized segment (maxseg) counts as"
                + " two for RFC 5681 4.2's \"at least every second full-sized segment\": its ACK goes out at once."
                + " Receivers see such segments when the NIC merges segments (LRO), and FreeBSD's DELAY_ACK checks"
                + " the length for that reason.");
    }

    @Checkpoint(order = 5, id = "hole-fill-at-once", points = 3,
            title = "a segment at RCV.NXT that fills a hole is acknowledged at once; in-order data after it waits again")
    static void holeFillAtOnce() throws Exception {
        script("hole-fill-at-once", "RFC 5681 4.2: a TCP receiver SHOULD send an immediate ACK when the incoming"
                + " segment fills in all or part of a gap in the sequence space. It starts at RCV.NXT, so it looks in"
                + " order; what tells it apart is the data waiting beyond it in the reassembly queue. The sender is"
                + " recovering from a loss and waits for exactly this ACK. Once the hole is filled, an in-order segment"
                + " may wait again.");
    }
}
