/**
 * Test helpers shared with the tests of the modules above witness (through witness's test jar): running
 * the external programs tests need, and the settings every module's tests read.
 */
package smpnet.witness.testing;
