/** Benchmarks of the trace seams: what a packet probe and the lock profiler cost while nothing is traced. */
package smpnet.bench.trace;
