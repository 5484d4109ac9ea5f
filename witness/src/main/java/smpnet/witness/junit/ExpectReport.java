package smpnet.witness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import smpnet.witness.ReportKind;

/**
 * Marks a test (method or class) that provokes one witness report on purpose and checks it itself, e.g.
 * "sleeping in a netisr handler is reported". A report of exactly this kind naming exactly these classes
 * does not fail the test under {@link WitnessExtension}; every other report still does. Unlike
 * {@link AllowLockOrder} it matches misuse reports too, and it cannot hide a reversal between other classes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Repeatable(ExpectReport.List.class)
public @interface ExpectReport {
    /** The kind of the expected report. */
    ReportKind kind();

    /** The lock classes the report names, in the report's order. */
    String[] classes();

    /** Why the test provokes it; required, for the reader. */
    String reason();

    /** Container of repeated {@link ExpectReport} annotations. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    @interface List {
        ExpectReport[] value();
    }
}
