/**
 * The receive paths under measurement and how one JVM measures them: smpnet's UDP receive path on a host
 * whose NIC rings are filled by their own ithreads ({@link smpnet.sim.bench.workloads.StackUdpWorkload}),
 * Linux's UDP over loopback as the baseline, and the runner that warms a workload up and measures it window
 * by window, pausing it between windows ({@link smpnet.sim.bench.workloads.CaseRunner}). Everything here
 * runs inside one case's child JVM (or a test).
 */
package smpnet.sim.bench.workloads;
