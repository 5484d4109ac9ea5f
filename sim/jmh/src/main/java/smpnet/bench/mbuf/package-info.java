/**
 * JMH benchmarks of smpnet's packet memory: per-CPU cached zones against one global locked free list, and
 * hand-off against copy for packets moving between two workers. Each benchmark has its baseline in the same
 * run; compare ratios, not absolute times.
 */
package smpnet.bench.mbuf;
