package smpnet.locking;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the classes that make up the lock implementations, so the profiler's acquisition site is the first
 * stack frame outside them (the caller's file:line, not {@code Mutex.java}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface LockImplementation {}
