package smpnet.labs.grading;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static, argument-less method of a lab's {@code grade/} code as one graded checkpoint. The method
 * passes by returning and fails by throwing: its exception's message is what the student reads, so it says
 * what was seen, what was expected and what that means ("put(7) waited while put(3) was inside bucket 3:
 * your table still serialises every key behind one lock").
 *
 * <p>Checkpoints run one after another, in {@link #order}, in one JVM per grading run with witness on, so a
 * lab can rely on the state its earlier checkpoints left (witness reports a reversal only the first time
 * its pair of classes is seen: the checkpoint that looks for reversals comes before the ones that run many
 * threads).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Checkpoint {
    /** Position among the lab's checkpoints (1 first). */
    int order();

    /** A short stable name (lower case, dashes), used by the lab's expectations and in reports. */
    String id();

    /** Points awarded when the checkpoint passes; none otherwise. */
    int points();

    /** One line saying what is checked, printed beside the points. */
    String title();

    /** A checkpoint still running after this many seconds fails (its threads are left behind, as daemons). */
    int timeoutSeconds() default 20;
}
