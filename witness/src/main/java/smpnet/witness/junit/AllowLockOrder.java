package smpnet.witness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows a reversal between two named lock classes (in either order) during one test (on a method) or
 * every test of a class, for a written reason. The reversal is still reported, marked "allowed", and does
 * not fail the test; it is not consumed, so a test without this annotation still fails on it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Repeatable(AllowLockOrder.List.class)
public @interface AllowLockOrder {
    /** One class of the pair. */
    String first();

    /** The other class of the pair. */
    String second();

    /** Why this reversal cannot deadlock (or is accepted); required, shown in the report. */
    String reason();

    /** Container of repeated {@link AllowLockOrder} annotations. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    @interface List {
        AllowLockOrder[] value();
    }
}
