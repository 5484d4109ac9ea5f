/**
 * JUnit 5 support: {@link smpnet.witness.junit.WitnessExtension} fails a test during which any thread made a
 * witness report (lock-order reversal or misuse), and {@link smpnet.witness.junit.AllowLockOrder} allows one
 * named pair for one test, with a reason. JUnit is an optional dependency of the witness module.
 */
package smpnet.witness.junit;
