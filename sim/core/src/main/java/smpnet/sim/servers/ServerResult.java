package smpnet.sim.servers;

import java.util.List;

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
 * @param loop              the event loop's own measure over its window of events (null for the other models)
 * @param retransmits       data segments the hosts retransmitted (a lost segment costs a timeout)
 * @param ringDrops         frames the NICs dropped for a full ring
 * @param stopped           why the case did not run or stopped short, or null when it completed
 * @param latencyCdf        the latency distribution: pairs of (µs, fraction of requests at most that long)
 */
public record ServerResult(ServerModel model, int connections, long requests, long echoed, double seconds,
                           double p50Micros, double p99Micros, double p999Micros, long serverParks,
                           long contextSwitches, long cpuNanos, LoopCost loop, long retransmits, long ringDrops,
                           String stopped, double[][] latencyCdf) {
    /**
     * What the event loop measured on its own thread over its window: from the poll where its warm-up in the
     * measured phase ended (every connection served {@link LoopWindow#SERVED_FIRST} requests, then a full
     * collection, then its cost per event settled, or the plan's {@link ServerPlan#loopWarmup} requests after
     * the collection at most) to the poll after {@link ServerPlan#loopRequests} more, the same count at every
     * connection count, so that every case's figure is taken in the same state (compiled code, a loop with
     * requests waiting) over the same work.
     *
     * @param events     events handled in the window (each a ready socket reported by a poll)
     * @param requests   requests read and echoed in the window: one per event, or more where a request came
     *                   while the loop was still reading the socket the last one came on
     * @param polls      the event queue's polls in the window
     * @param cpuNanos   the loop thread's CPU time in the window: the polls and the socket calls, with the
     *                   protocol work they do on that thread (TCP output down to the peer's receive ring)
     * @param queueNanos the part of it spent in the polls: waiting, being woken, collecting the ready sockets
     * @param sleepingPolls the polls that found nothing ready and slept until a socket was (or a timeout)
     * @param sleepingNanos the loop thread's CPU time in those polls: going to sleep, being woken, and
     *                   collecting the events that woke it
     * @param sleepingEvents the events those polls returned
     * @param parks      the loop thread's parks (it waited in a poll with nothing ready)
     * @param unparks    threads the loop thread woke (the stack's threads its socket calls handed work to)
     * @param writeEvents events that reported the socket writable (a reply waiting for space; none while every
     *                   reply fits the send buffer, so that every event is a request read and echoed)
     * @param gcs        garbage collections in the window (the whole JVM's)
     * @param gcMillis   their accumulated time, ms
     * @param compileMillis the JIT compilers' time in the window (the whole JVM's), ms
     * @param warmupRequests requests echoed in the measured phase before the window
     * @param settled    whether the warm-up ended because the loop's cost per event had settled (its parts
     *                   stopped falling and the compilers were quiet), not at the plan's longest warm-up
     * @param parts      the loop thread's CPU time per event in each part of the window (parts of as many
     *                   requests), ns
     * @param queueParts the part of it spent in the event queue's polls, in the same parts, ns
     * @param workParts  the loop's own work per event in the same parts: its CPU time less its CPU in the
     *                   scheduler's parks and wake-ups ({@code waitNanos}, {@code wakeNanos}), ns
     * @param partGcs    garbage collections in each of the same parts (the whole JVM's)
     * @param repeats    windows measured and dropped before this one because the JIT compilers worked more
     *                   than {@link EchoServer#WINDOW_COMPILE_MILLIS} in them (its code may have changed
     *                   mid-window); their requests count in {@code warmupRequests}
     * @param servedWithin requests echoed in the warm-up when every connection that carries requests was seen
     *                   to have served {@link LoopWindow#SERVED_FIRST} (at a part boundary, so an upper bound)
     * @param fullGcMillis the full collection run then, before the window, ms (its wall-clock time, the clients
     *                   paused: see {@link ClientPause})
     * @param facts      what may explain each part's cost (one per part, or none where not taken): see
     *                   {@link PartFacts}
     * @param placement  where the case's threads ran: the loop thread bound to a CPU and the others to the
     *                   rest, or why not ({@link CorePlacement#describe}); empty where not recorded
     * @param otherCores the cores other processes used over the window, on average (the machine's CPU time
     *                   less this process's, over the wall-clock time, from /proc/stat); NaN where not known
     */
    public record LoopCost(long events, long requests, long polls, long cpuNanos, long queueNanos, long sleepingPolls,
                           long sleepingNanos, long sleepingEvents, long parks, long unparks, long waitNanos, long wakeNanos,
                           long writeEvents, long gcs, long gcMillis, long compileMillis, long warmupRequests, boolean settled,
                           double[] parts, double[] queueParts, double[] workParts, long[] partGcs, int repeats, long servedWithin,
                           long fullGcMillis, List<PartFacts> facts, String placement, double otherCores) {
        public LoopCost {
            facts = List.copyOf(facts);
            if (partGcs.length != parts.length || queueParts.length != parts.length || workParts.length != parts.length
                    || !facts.isEmpty() && facts.size() != parts.length) {
                throw new IllegalArgumentException("parts, queue parts, work parts, GCs and facts per part differ in length");
            }
        }

        /**
         * A cost without the parts' explanatory figures, nor the scheduler's share: the work is the whole cost (no
         * park or wake-up measured).
         */
        public LoopCost(long events, long requests, long polls, long cpuNanos, long queueNanos, long sleepingPolls,
                        long sleepingNanos, long sleepingEvents, long parks, long unparks,
                        long writeEvents, long gcs, long gcMillis, long compileMillis, long warmupRequests, boolean settled,
                        double[] parts, double[] queueParts, long[] partGcs, int repeats, long servedWithin,
                        long fullGcMillis) {
            this(events, requests, polls, cpuNanos, queueNanos, sleepingPolls, sleepingNanos, sleepingEvents, parks, unparks, 0, 0,
                    writeEvents, gcs, gcMillis, compileMillis, warmupRequests, settled, parts, queueParts, parts.clone(), partGcs,
                    repeats, servedWithin, fullGcMillis, List.of(), "", Double.NaN);
        }

        /**
         * The most of a part's wall-clock time the loop thread may have waited for a CPU (runnable, not running:
         * Linux's run queue) for the part to count: beyond it, other work shared the loop's core, and each
         * time it ran it evicted the loop's state from the core's caches, so that the part measures the
         * sharing, not the loop (in runs on 2 shared cores, parts whose loop waited 20 to 60% of the part cost
         * about 4,300 ns per event where those of the same loop alone on its core cost about 1,900).
         */
        public static final double SHARED_WAIT = 0.10;

        /** Whether part {@code i} is left out: a garbage collection ran in it, or the loop's core was {@link #shared}. */
        boolean leftOut(int i) {
            return partGcs[i] > 0 || shared(i);
        }

        /**
         * Whether other work shared the loop's core in part {@code i} (no collection in it): the loop thread
         * waited for a CPU more than {@link #SHARED_WAIT} of the part's wall-clock time; false where not known.
         */
        public boolean shared(int i) {
            if (facts.isEmpty() || partGcs[i] > 0) return false;
            PartFacts f = facts.get(i);
            return f.wallMillis() > 0 && f.runWaitMillis() > SHARED_WAIT * f.wallMillis();
        }

        /** {@code parts} without the parts {@link #leftOut left out} (NaN in their place). */
        double[] kept(double[] parts) {
            double[] p = parts.clone();
            for (int i = 0; i < p.length; i++) if (leftOut(i)) p[i] = Double.NaN;
            return p;
        }

        /**
         * The most cores other processes may have used over a window, on average, for its verdict to stand: beyond
         * it the machine was busy with other work (on 2 cores, another process's work evicted the loop's state
         * from the caches the cores share even in parts where the loop did not wait for its own CPU).
         */
        public static final double OTHER_CORES = 0.25;

        /** {@code parts} without those in which a garbage collection ran (NaN in their place), shared ones kept. */
        double[] withoutGcs(double[] parts) {
            double[] p = parts.clone();
            for (int i = 0; i < p.length; i++) if (partGcs[i] > 0) p[i] = Double.NaN;
            return p;
        }

        /** Parts with events in which a garbage collection ran. */
        public int partsWithGc() {
            int n = 0;
            for (int i = 0; i < parts.length; i++) if (partGcs[i] > 0 && !Double.isNaN(parts[i])) n++;
            return n;
        }

        /** Parts with events in which other work shared the loop's core ({@link #shared}), none ran a collection. */
        public int partsShared() {
            int n = 0;
            for (int i = 0; i < parts.length; i++) if (shared(i) && !Double.isNaN(parts[i])) n++;
            return n;
        }

        /**
         * The median of {@link #parts}, those {@link #leftOut left out} (a collection ran in them, or other work
         * shared the loop's core) aside: the loop thread's CPU time per event in the window's middle part for
         * cost (a part that another process's burst of work slowed, unseen by the run queue, counts as one
         * part), ns.
         */
        public double medianNanosPerEvent() { return quantile(kept(parts), 0.5); }

        /** The median of {@link #queueParts}, the same parts left out: the event queue's part of it, ns. */
        public double medianQueueNanosPerEvent() { return quantile(kept(queueParts), 0.5); }

        /**
         * The median of {@link #workParts}, the same parts left out: the loop's own work per event, its CPU less
         * what the operating system spent in its sleeps and in waking other threads, ns.
         */
        public double medianWorkNanosPerEvent() { return quantile(kept(workParts), 0.5); }

        /** The loop thread's CPU in the scheduler's parks (going to sleep and being switched back in) per park, ns. */
        public double nanosPerPark() { return parks > 0 ? (double) waitNanos / parks : Double.NaN; }

        /** The loop thread's CPU in waking another thread, per wake-up, ns. */
        public double nanosPerWakeup() { return unparks > 0 ? (double) wakeNanos / unparks : Double.NaN; }

        /** The {@code q} quantile of {@code parts} (0 to 1), interpolated between the two nearest, NaNs left out, ns. */
        static double quantile(double[] parts, double q) {
            double[] p = java.util.Arrays.stream(parts).filter(x -> !Double.isNaN(x)).sorted().toArray();
            if (p.length == 0) return Double.NaN;
            double at = q * (p.length - 1);
            int i = (int) Math.floor(at);
            return i + 1 < p.length ? p[i] + (at - i) * (p[i + 1] - p[i]) : p[i];
        }

        /** The loop thread's CPU time per event over the whole window, ns. */
        public double nanosPerEvent() { return events > 0 ? (double) cpuNanos / events : Double.NaN; }

        /** The part of {@link #nanosPerEvent} spent in the event queue's poll, ns. */
        public double queueNanosPerEvent() { return events > 0 ? (double) queueNanos / events : Double.NaN; }

        /**
         * The event queue's cost per event in the polls that found sockets ready without sleeping: their CPU over
         * the events they returned, the cost of collecting an event apart from going to sleep and being woken
         * (which a loop pays as often as the load lets it run dry), ns.
         */
        public double queueBusyNanosPerEvent() {
            return events > sleepingEvents ? (double) (queueNanos - sleepingNanos) / (events - sleepingEvents) : Double.NaN;
        }

        /**
         * The loop thread's CPU time in a poll that slept, on average: going to sleep, being woken, and collecting
         * the events it returned, ns.
         */
        public double nanosPerSleep() { return sleepingPolls > 0 ? (double) sleepingNanos / sleepingPolls : Double.NaN; }

        /**
         * The loop thread's CPU time per event without its polls that slept: the cost of an event to a loop
         * that finds work waiting, which does not depend on how often the load lets it run dry, ns.
         */
        public double busyNanosPerEvent() { return events > 0 ? (double) (cpuNanos - sleepingNanos) / events : Double.NaN; }

        /** Polls that slept, per event. */
        public double sleepsPerEvent() { return events > 0 ? (double) sleepingPolls / events : Double.NaN; }

        /** Requests per event: 1 when each event is one request read and echoed. */
        public double requestsPerEvent() { return events > 0 ? (double) requests / events : Double.NaN; }

        /** Events a poll returned on average: 1 for a loop woken for every event, up to the poll's batch. */
        public double eventsPerPoll() { return polls > 0 ? (double) events / polls : Double.NaN; }

        /** The loop thread's parks per event. */
        public double parksPerEvent() { return events > 0 ? (double) parks / events : Double.NaN; }

        /** Threads woken by the loop thread per event. */
        public double unparksPerEvent() { return events > 0 ? (double) unparks / events : Double.NaN; }
    }

    /**
     * What may explain one part of the event loop's window: how the loop ran in it, beside its cost per event.
     *
     * @param events          events in the part
     * @param wallMillis      its wall-clock length, ms
     * @param coresBusy       the whole process's CPU time over the wall-clock time (2.0: both cores of two busy)
     * @param loopBusy        the loop thread's CPU time over the wall-clock time (1.0: it never waited)
     * @param eventsPerPoll   events per poll
     * @param sleepsPerEvent  polls that found nothing ready and slept, per event
     * @param wakeupsPerEvent threads the loop woke, per event
     * @param cpu             the CPU most of the part's polls ran on (-1: not known)
     * @param cpuShare        the share of the part's polls that ran on it
     * @param migrations      polls that ran on another CPU than the poll before them
     * @param runWaitMillis   the loop thread's time runnable but waiting for a CPU, ms (NaN: not known)
     * @param involuntary     the times it was taken off a CPU while it could still run (-1: not known)
     * @param segmentsPerEvent TCP segments the server host sent per event (its replies and ACKs, whichever
     *                        thread sent them)
     * @param acksPerEvent    of them, ACK-only segments per event
     * @param compileMillis   the JIT compilers' time in the part, ms (a compilation counts when it ends)
     * @param gcs             garbage collections in the part
     */
    public record PartFacts(long events, double wallMillis, double coresBusy, double loopBusy, double eventsPerPoll,
                            double sleepsPerEvent, double wakeupsPerEvent, int cpu, double cpuShare, long migrations,
                            double runWaitMillis, long involuntary, double segmentsPerEvent, double acksPerEvent,
                            long compileMillis, long gcs) {}

    /** A case that did not run (or failed): its reason, no figures. */
    static ServerResult notRun(ServerModel model, int connections, String why) {
        return new ServerResult(model, connections, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, 0, -1, 0, null, 0, 0, why,
                new double[0][]);
    }

    public boolean completed() { return stopped == null; }

    /** Requests per second over the measured phase. */
    public double throughput() { return seconds > 0 ? requests / seconds : Double.NaN; }

    /** Server parks per request. */
    public double parksPerRequest() { return requests > 0 ? (double) serverParks / requests : Double.NaN; }

    /** Operating-system context switches per request. */
    public double switchesPerRequest() { return requests > 0 && contextSwitches >= 0 ? (double) contextSwitches / requests : Double.NaN; }

    /**
     * The event loop thread's CPU time per event in its window, the median of its parts, ns (NaN for the other
     * models).
     */
    public double loopNanosPerEvent() { return loop == null ? Double.NaN : loop.medianNanosPerEvent(); }

    /** The part of it spent in the event queue's poll, the median of its parts, ns (NaN for the other models). */
    public double queueNanosPerEvent() { return loop == null ? Double.NaN : loop.medianQueueNanosPerEvent(); }

    /** Process CPU time per request, µs. */
    public double cpuMicrosPerRequest() { return requests > 0 ? cpuNanos / 1e3 / requests : Double.NaN; }
}
