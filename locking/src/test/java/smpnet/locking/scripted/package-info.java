/**
 * Test support shared through smpnet-locking's test-jar: {@link smpnet.locking.scripted.ScriptedScheduler},
 * which runs threads one at a time in a scripted interleaving through the scheduling seam.
 */
package smpnet.locking.scripted;
