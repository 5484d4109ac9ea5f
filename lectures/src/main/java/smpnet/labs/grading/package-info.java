/**
 * The lab grader: it compiles one variant of a lab (the student's {@code src/}, or the reference solution
 * or a wrong solution laid over it), runs the lab's {@link smpnet.labs.grading.Checkpoint checkpoints} with
 * witness on, and prints points per checkpoint and a total. {@link smpnet.labs.grading.LabRuns} runs each
 * grading in a fresh JVM, which is how {@code ./smpnet grade all} and the course's own CI test use it.
 */
package smpnet.labs.grading;
