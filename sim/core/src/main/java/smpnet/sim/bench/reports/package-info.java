/**
 * What a session reports: the comparison table printed at the end, the result files (CSV, JSON) and the
 * chart, each written from one {@link smpnet.sim.bench.reports.BenchReport} with the environment it was
 * measured in.
 */
package smpnet.sim.bench.reports;
