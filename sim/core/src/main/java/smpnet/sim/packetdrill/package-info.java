/**
 * packetdrill scripts against an smpnet host: {@link smpnet.sim.packetdrill.ScriptParser} reads the language of
 * packetdrill's test scripts into a {@link smpnet.sim.packetdrill.Script}; {@link smpnet.sim.packetdrill.ScriptRunner}
 * runs one against a host and a scripted peer inside a deterministic run (virtual time, a seed) and returns an
 * {@link smpnet.sim.packetdrill.Outcome}: a pass, or the first mismatch in packetdrill's words;
 * {@link smpnet.sim.packetdrill.ScriptSuite} finds scripts under directories and prints outcomes, for the
 * {@code ./smpnet packetdrill} command and the scripts test.
 */
package smpnet.sim.packetdrill;
