/**
 * JMH benchmarks of zero-copy support: the dirty-tracking back-ends' cost per tracked page, side by side in
 * one run.
 */
package smpnet.bench.zerocopy;
