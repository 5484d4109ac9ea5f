/**
 * A Java agent that checks the lock order of code nobody changed for witness: {@code synchronized} blocks
 * and methods, {@code Object.wait}, {@code Thread.sleep}, {@code LockSupport.park} and the
 * {@code java.util.concurrent.locks} locks of every class it loads (README of {@code witness/}, "The agent").
 * The entry point is {@link smpnet.witness.agent.WitnessAgent}; {@link smpnet.witness.agent.Hooks} is
 * called only by rewritten bytecode.
 */
package smpnet.witness.agent;
