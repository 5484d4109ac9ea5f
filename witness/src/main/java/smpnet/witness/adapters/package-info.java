/**
 * Thin witness adapters for {@code java.util.concurrent} locks, so any Java 17+ project can check the order
 * of its own {@code ReentrantLock}s and {@code ReentrantReadWriteLock}s: each lock gets a class name, as with
 * Guava's {@code CycleDetectingLockFactory}. Start with {@link smpnet.witness.adapters.WitnessLocks}.
 */
package smpnet.witness.adapters;
