/**
 * What was measured and its statistics: the packet tally of a workload, each measured window and run, a
 * case's result and the machine ceiling over its runs, the spread of a figure over runs and the per-pair
 * ratios that speed-ups are taken from, and the lock classes by contention. Plain values: no threads, no
 * I/O.
 */
package smpnet.sim.bench.results;
