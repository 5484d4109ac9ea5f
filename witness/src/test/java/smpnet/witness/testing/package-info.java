/**
 * Test helpers shared with the tests of the modules above witness (through witness's test jar): running
 * the external programs tests need, the settings every module's tests read, and saving the system
 * properties a test sets.
 */
package smpnet.witness.testing;
