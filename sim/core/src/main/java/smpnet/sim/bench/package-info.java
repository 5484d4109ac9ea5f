/**
 * The whole-stack UDP receive-path benchmark, and the main job that runs its quick form.
 *
 * <p>What is measured: a frame entering a NIC ring to the datagram returned by {@code receive} in the
 * application, in packets per second, for smpnet in Giant and in fine-grained mode on one and two CPUs,
 * beside Linux's own UDP over loopback (one {@code DatagramChannel} sender thread, one receiver) in the same
 * session as the baseline.
 *
 * <p>Shape, chosen so that the figures show locking and not oversubscription of a small machine:
 * <ul>
 *   <li>the NIC has one RX queue per CPU, whose ithread synthesises its frames itself, as netmap's
 *       pkt-gen fills rings ({@link smpnet.sim.bench.workloads.BenchGenerator}); 32 flows, spread over the queues by
 *       the NIC's own RSS hash, one socket per flow;</li>
 *   <li>netisr dispatch is direct, and each socket is drained by the ithread that delivered to it, before
 *       it synthesises its next batch: one busy thread per core (two ithreads sharing one core would measure
 *       time slicing and lock-holder preemption instead);</li>
 *   <li>each case runs in its own JVM, pinned with {@code taskset} to one core (1 CPU) or two (2 CPUs),
 *       with witness and mbuf site tracking off; warm-up first, then several measured runs whose spread
 *       (min, median, max) is reported with the CPU time the process used per second of wall time
 *       ("busy": 2.0 means both cores all the time);</li>
 *   <li>a shared or virtual machine's speed drifts by tens of percent over tens of seconds, so a subject's
 *       1-CPU and 2-CPU children run side by side and the parent alternates measured windows between them
 *       in ABBA order ({@link smpnet.sim.bench.runs.PairSchedule}), the child not being measured paused at a
 *       {@link smpnet.sim.bench.workloads.RunGate} (parked, no CPU); a speed-up is the median of the per-pair
 *       ratios ({@link smpnet.sim.bench.results.PairedRatio});</li>
 *   <li>beside fine mode's pair, the machine's own 2-CPU ceiling ({@link smpnet.sim.bench.results.Ceiling}): two
 *       independent 1-CPU stacks on cores 0 and 1, measured in the same windows;</li>
 *   <li>latency is from the synthesis of a frame (its send time is written in the payload) to its receive,
 *       both read from the scheduler's clock, in an HdrHistogram;</li>
 *   <li>one more window per mode, after the measured ones, with lock profiling on (contended acquisitions
 *       only), names the most contended lock classes, so profiling never slows the measured runs.</li>
 * </ul>
 *
 * <p>The ratios are reported against goals, not asserted: smpnet at least ten times the kernel's rate, and
 * fine mode on two CPUs at least 1.8 times fine mode on one, with the machine ceiling printed beside so a
 * reader can judge how much of what the machine allows the stack reached. Giant's two-CPU speed-up is
 * reported beside: Giant serialises the whole path, so it should stay near 1.
 *
 * <p>This package holds the session ({@link smpnet.sim.bench.BenchSession}); its parts live in
 * sub-packages, each depending only on those listed before it: {@code plan} (options, cases), {@code results}
 * (measurements and their statistics), {@code workloads} (the receive paths and the runner that measures them
 * in one JVM), {@code runs} (child JVMs, their protocol, alternating windows, forks) and {@code reports}
 * (table, CSV/JSON, chart).
 */
package smpnet.sim.bench;
