package smpnet.sim.bench.results;

import org.HdrHistogram.Histogram;

/**
 * One measured window of a child, as it reports it: the run's figures and latencies, and how much CPU the
 * child used while it was paused before this window (wall and CPU time since its previous window or
 * warm-up ended), which shows that a paused child really left the cores to the one being measured.
 */
public record MeasuredWindow(RunSample sample, Histogram latency, long pausedWallNanos, long pausedCpuNanos) {}
