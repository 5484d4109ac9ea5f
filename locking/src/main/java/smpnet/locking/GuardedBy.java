package smpnet.locking;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the lock that guards a field or the lock a method expects held: a lock class from DESIGN.md's
 * inventory ("inp", "so_rcv"), a field name ("this.lock"), or "this". Readers and reviewers rely on it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface GuardedBy {
    String value();
}
