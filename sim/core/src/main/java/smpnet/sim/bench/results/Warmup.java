package smpnet.sim.bench.results;

/**
 * A child's warm-up as it reports it: how long it lasted (wall time) and whether it settled (ended by its
 * rule: the JIT quiet and the rate no longer rising) or was ended by its maximum.
 */
public record Warmup(long wallNanos, boolean settled) {}
