/**
 * What a benchmark session runs: its options from the command line ({@link smpnet.sim.bench.plan.BenchOptions}),
 * the cases (subject, CPUs, payload) and the groups of cases whose children are measured side by side.
 */
package smpnet.sim.bench.plan;
