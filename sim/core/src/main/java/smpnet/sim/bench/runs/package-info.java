/**
 * How cases run: each in a child JVM pinned to its cores ({@link smpnet.sim.bench.runs.ChildLauncher}),
 * commanded by the parent over a line protocol on its standard streams, a group's children measured in
 * alternating windows ({@code PairSchedule}), the same group in several forks merged as JMH merges its
 * forks ({@link smpnet.sim.bench.runs.GroupRunner}). {@link smpnet.sim.bench.runs.BenchChild} is the
 * child's main class.
 */
package smpnet.sim.bench.runs;
