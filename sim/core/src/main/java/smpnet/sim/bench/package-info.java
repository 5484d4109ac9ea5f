/**
 * The whole-stack UDP receive-path benchmark: each configuration (locking mode, CPUs, payload) runs in its
 * own child JVM pinned to its cores, beside the Linux kernel's UDP over loopback as the baseline of the same
 * run; results are written as CSV and JSON and compared as ratios.
 */
package smpnet.sim.bench;
