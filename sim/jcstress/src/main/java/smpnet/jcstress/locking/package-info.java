/**
 * JCStress tests of smpnet's locking primitives: mutual exclusion, visibility, hand-off fairness, no lost
 * condition variable wakeup, and Giant dropped and retaken across a wait. Every test has exactly two actors
 * (JCStress skips tests with more on two cores), and the outcome that would reveal the bug is FORBIDDEN.
 */
package smpnet.jcstress.locking;
