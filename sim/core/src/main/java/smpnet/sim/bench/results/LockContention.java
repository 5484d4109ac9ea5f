package smpnet.sim.bench.results;

/**
 * What lock profiling saw of one lock class in a run: how often an acquisition found it taken, and the
 * total time spent waiting for it and holding it.
 */
public record LockContention(String lockClass, long acquisitions, long contended, long waitNanos, long holdNanos) {}
