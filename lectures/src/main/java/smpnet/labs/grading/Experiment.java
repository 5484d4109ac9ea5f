package smpnet.labs.grading;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the static, argument-less method of a measurement lab's {@code grade/} code that runs the lab's
 * experiment: {@code ./smpnet experiment NN} compiles the student's code as the grader does and calls it.
 * The method writes what it measured into {@link Checks#studentDir()} (a results file the student reads and
 * answers from) and prints a summary; the lab's checkpoints then check that the file came from the
 * student's current code and that the answers agree with it, never how fast the machine was.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Experiment {}
