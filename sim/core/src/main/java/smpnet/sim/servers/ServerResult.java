package smpnet.sim.servers;

/**
 * One case's figures: a model at a number of concurrent connections, over the measured phase.
 *
 * @param model             the server model
 * @param connections       concurrent connections asked for
 * @param requests          requests the clients completed (replies received and checked)
 * @param echoed            requests the server echoed
 * @param seconds           the measured phase's wall-clock length
 * @param p50Micros         median request latency (write of the request to the whole reply read), µs
 * @param p99Micros         99th percentile, µs
 * @param p999Micros        99.9th percentile, µs
 * @param serverParks       blocking waits of the server's threads (through the scheduling seam)
 * @param contextSwitches   the process's operating-system context switches, -1 where not counted
 * @param cpuNanos          the process's CPU time
 * @param loopNanosPerEvent the event loop thread's CPU time per event handled: the event queue's poll and the
 *                          socket calls, with the protocol work they do on that thread (NaN for the other models)
 * @param queueNanosPerEvent the part of it spent in the event queue's poll: waiting, being woken, collecting
 *                          the ready sockets (NaN for the other models)
 * @param retransmits       data segments the hosts retransmitted (a lost segment costs a timeout)
 * @param ringDrops         frames the NICs dropped for a full ring
 * @param stopped           why the case did not run or stopped short, or null when it completed
 * @param latencyCdf        the latency distribution: pairs of (µs, fraction of requests at most that long)
 */
public record ServerResult(ServerModel model, int connections, long requests, long echoed, double seconds,
                           double p50Micros, double p99Micros, double p999Micros, long serverParks,
                           long contextSwitches, long cpuNanos, double loopNanosPerEvent, double queueNanosPerEvent,
                           long retransmits,
                           long ringDrops, String stopped,
                           double[][] latencyCdf) {
    /** A case that did not run (or failed): its reason, no figures. */
    static ServerResult notRun(ServerModel model, int connections, String why) {
        return new ServerResult(model, connections, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, 0, -1, 0, Double.NaN,
                Double.NaN, 0, 0, why, new double[0][]);
    }

    public boolean completed() { return stopped == null; }

    /** Requests per second over the measured phase. */
    public double throughput() { return seconds > 0 ? requests / seconds : Double.NaN; }

    /** Server parks per request. */
    public double parksPerRequest() { return requests > 0 ? (double) serverParks / requests : Double.NaN; }

    /** Operating-system context switches per request. */
    public double switchesPerRequest() { return requests > 0 && contextSwitches >= 0 ? (double) contextSwitches / requests : Double.NaN; }

    /** Process CPU time per request, µs. */
    public double cpuMicrosPerRequest() { return requests > 0 ? cpuNanos / 1e3 / requests : Double.NaN; }
}
