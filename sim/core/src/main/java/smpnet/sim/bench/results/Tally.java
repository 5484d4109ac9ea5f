package smpnet.sim.bench.results;

/**
 * Packet accounting of a workload: frames generated, datagrams received by the application, and frames
 * dropped anywhere on the way (each drop counted where it happened). Once a workload has stopped and
 * settled, {@code generated == received + dropped} exactly.
 */
public record Tally(long generated, long received, long dropped) {
    public static final Tally ZERO = new Tally(0, 0, 0);

    /** This tally minus an earlier one: the packets of the interval between them. */
    public Tally minus(Tally earlier) {
        return new Tally(generated - earlier.generated, received - earlier.received, dropped - earlier.dropped);
    }

    /** Packets generated but neither received nor dropped yet (zero once settled). */
    public long inFlight() {
        return generated - received - dropped;
    }
}
