/**
 * JMH benchmarks of smpnet's locking primitives: uncontended cost beside java.util.concurrent's locks,
 * witness-off against hooks compiled out, nested acquisition with witness against Guava's cycle detector,
 * and two contending threads under each lock-profiling mode. Each comparison is made within one run.
 */
package smpnet.bench.locking;
