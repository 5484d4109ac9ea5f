/**
 * Whole simulations replayed from a seed: {@link smpnet.sim.determ.DeterministicRun} (hosts, impaired links and
 * application threads under the seeded scheduler, on virtual time), {@link smpnet.sim.determ.FreeRun} (the same
 * {@link smpnet.sim.determ.Simulation} on free threads), the named {@link smpnet.sim.determ.Scenario}s, and the
 * commands behind {@code ./smpnet run seeded} ({@link smpnet.sim.determ.SeededCommand}: one seed, or an
 * exploration of many) and {@code ./smpnet run seeded-cost} ({@link smpnet.sim.determ.CostCommand}).
 */
package smpnet.sim.determ;
