package smpnet.stack.fuzz;

/**
 * One fuzz target: a real host that takes an input as frames and checks itself. Implementations live in
 * {@code smpnet.stack.fuzz.targets} and are loaded by {@link CoverageLoader}; this interface is the
 * parent's, so the engine can drive them.
 */
public interface FuzzTarget extends AutoCloseable {
    /** Feeds one input through the host; returns null if every per-input check held, else what failed. */
    String run(byte[] input);

    /** The checks too slow for every input (the host answers a ping); null if they held. */
    String periodicCheck();

    /** The seed inputs of this target (well-formed frames of each kind it parses). */
    java.util.List<byte[]> seeds();

    /** Closes the host and checks that nothing is left allocated; null if so, else what leaked. */
    String finish();

    @Override default void close() { finish(); }
}
