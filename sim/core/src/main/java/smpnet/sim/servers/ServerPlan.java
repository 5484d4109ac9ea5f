package smpnet.sim.servers;

import java.util.List;

/**
 * What a comparison runs: every model at every connection count.
 *
 * @param models      the server models, in the order reported
 * @param connections the numbers of concurrent connections, ascending
 * @param requests    requests per connection in the measured phase
 * @param payload     bytes per request (and per reply)
 * @param poolThreads threads of the fixed pool
 * @param maxThreads  the most platform threads a thread-per-connection server may start: a bound kept below
 *                    the machine's limit on a user's threads, which every other process of the user shares
 * @param clientLoops client event loops (threads) driving the connections, the same for every model
 * @param inFlight    the most requests in flight at once, over all connections: every connection gets its
 *                    requests, in turn, while at most this many wait for their reply. The offered load is
 *                    then the same at 1,000 connections as at 100,000, so a cost that grows with the count
 *                    comes from the connections themselves, not from a queue of requests growing with them
 *                    (a closed loop on all of 100,000 connections at once queues each request behind
 *                    100,000 others: a latency of tens of seconds, past the retransmission timeout)
 * @param loopWarmup  requests the event loop echoes, after every active connection has served two requests and
 *                    a full collection ran (see {@link LoopWindow#step}), before it measures its cost, at most:
 *                    its warm-up ends sooner where its cost per event settles
 * @param loopRequests requests over which it measures its cost per event, the same at every count: an event
 *                    loop case gives each connection as many requests as the two need (see {@link #requestsFor}),
 *                    and its clients stop sending when the window has ended
 * @param active      connections that carry requests, 0 for all: a case of more connections opens them all
 *                    but sends requests on the first {@code active} only, the rest staying open and idle (the
 *                    control that tells a cost of the connections' number from one of the state the
 *                    requests touch)
 * @param loopParts   parts the event loop's window is cut in, each measured: the verdict's interval is drawn
 *                    from their order statistics, so more parts narrow it
 * @param pin         whether an event-loop case binds its loop thread to one CPU and its other threads to the
 *                    others ({@link CorePlacement}); the other models' threads are never bound
 * @param rate        requests per second the clients offer over all connections, paced (each client loop its
 *                    share, a request sent no sooner than its turn), or 0: as fast as the requests in flight
 *                    allow (a closed loop, whose rate falls where the server or the clients slow down). A rate
 *                    holds the offered load equal across connection counts, which {@code inFlight} alone does not
 */
public record ServerPlan(List<ServerModel> models, List<Integer> connections, int requests, int payload,
                         int poolThreads, int maxThreads, int clientLoops, int inFlight, int loopWarmup, int loopRequests,
                         int active, int loopParts, boolean pin, int rate) {
    /** Requests in flight at most by default (over all connections). */
    public static final int IN_FLIGHT = 1_000;

    /**
     * Requests the event loop echoes before measuring at most, by default: its warm-up ends sooner, when its
     * cost per event has settled (past the start of a phase, with compiled code).
     */
    public static final int LOOP_WARMUP = 400_000;

    /** Requests the event loop measures its cost over, by default (20 parts of 5,000). */
    public static final int LOOP_REQUESTS = 100_000;

    /** Parts of the event loop's window by default. */
    public static final int LOOP_PARTS = 20;

    /** Connections per client address: its ephemeral ports (49152-65535) with some to spare. */
    public static final int CONNECTIONS_PER_ADDRESS = 16_000;

    public ServerPlan {
        models = List.copyOf(models);
        connections = connections.stream().sorted().toList();
        if (models.isEmpty() || connections.isEmpty()) throw new IllegalArgumentException("no model or no connection count");
        if (connections.getFirst() < 1) throw new IllegalArgumentException("connections must be at least 1");
        if (requests < 1 || payload < 4 || poolThreads < 1 || maxThreads < 1 || clientLoops < 1 || inFlight < clientLoops) {
            throw new IllegalArgumentException("requests, pool threads, max threads and client loops must be at least 1, "
                    + "payload at least 4 bytes, requests in flight at least one per client loop");
        }
        if (loopWarmup < 0 || loopRequests < 1) {
            throw new IllegalArgumentException("the event loop's warm-up must be at least 0 requests, its measure at least 1");
        }
        if (active < 0) throw new IllegalArgumentException("active connections " + active + ": at least 0 (0: all)");
        if (loopParts < 1) throw new IllegalArgumentException("the event loop's window must have 1 part at least: " + loopParts);
        if (rate < 0 || rate > 0 && rate < clientLoops) {
            throw new IllegalArgumentException("rate " + rate + " requests/s: 0 (unpaced) or at least one per client loop (" + clientLoops + ")");
        }
    }

    /** An unpaced plan (rate 0). */
    public ServerPlan(List<ServerModel> models, List<Integer> connections, int requests, int payload, int poolThreads,
                      int maxThreads, int clientLoops, int inFlight, int loopWarmup, int loopRequests, int active, int loopParts,
                      boolean pin) {
        this(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup, loopRequests, active,
                loopParts, pin, 0);
    }

    /** A plan whose event loop's threads are not bound to CPUs. */
    public ServerPlan(List<ServerModel> models, List<Integer> connections, int requests, int payload, int poolThreads,
                      int maxThreads, int clientLoops, int inFlight, int loopWarmup, int loopRequests, int active, int loopParts) {
        this(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup, loopRequests, active,
                loopParts, false);
    }

    /** A plan with the window cut in {@link #LOOP_PARTS} parts. */
    public ServerPlan(List<ServerModel> models, List<Integer> connections, int requests, int payload, int poolThreads,
                      int maxThreads, int clientLoops, int inFlight, int loopWarmup, int loopRequests, int active) {
        this(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup, loopRequests, active,
                LOOP_PARTS);
    }

    /** A plan where every connection carries requests, its window cut in {@link #LOOP_PARTS} parts. */
    public ServerPlan(List<ServerModel> models, List<Integer> connections, int requests, int payload, int poolThreads,
                      int maxThreads, int clientLoops, int inFlight, int loopWarmup, int loopRequests) {
        this(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup, loopRequests, 0);
    }

    /** This plan with requests on the first {@code n} connections of each case only (0: all). */
    public ServerPlan withActive(int n) {
        return new ServerPlan(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup,
                loopRequests, n, loopParts, pin, rate);
    }

    /** This plan with the event loop's window cut in {@code n} parts. */
    public ServerPlan withLoopParts(int n) {
        return new ServerPlan(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup,
                loopRequests, active, n, pin, rate);
    }

    /** This plan with the event loop's threads bound to CPUs ({@link CorePlacement}) or not. */
    public ServerPlan withPin(boolean on) {
        return new ServerPlan(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup,
                loopRequests, active, loopParts, on, rate);
    }

    /** This plan with the clients offering {@code requestsPerSecond} over all connections (0: unpaced). */
    public ServerPlan withRate(int requestsPerSecond) {
        return new ServerPlan(models, connections, requests, payload, poolThreads, maxThreads, clientLoops, inFlight, loopWarmup,
                loopRequests, active, loopParts, pin, requestsPerSecond);
    }

    /** Requests per second client loop {@code i} of {@code loops} offers: its share of {@link #rate} (0: unpaced). */
    public int rateOf(int i, int loops) {
        return rate / loops + (i < rate % loops ? 1 : 0);
    }

    /** Connections of a case of {@code n} that carry requests. */
    public int activeOf(int n) { return active == 0 ? n : Math.min(active, n); }

    /** The short run: 100 to 10,000 connections. */
    public static ServerPlan quick() {
        return new ServerPlan(List.of(ServerModel.values()), List.of(100, 1_000, 10_000), 20, 64, 16, 4_096, 2, IN_FLIGHT,
                LOOP_WARMUP, LOOP_REQUESTS, 0, LOOP_PARTS, true);
    }

    /**
     * The long run: 100 to 100,000 connections, 5 requests each (100,000 connections open in about two minutes),
     * and the event loop's window twice as long, in twice as many parts of the same 5,000 requests: its
     * verdict's interval runs from the 13th to the 28th of 40 parts instead of the 5th to the 16th of 20.
     */
    public static ServerPlan full() {
        return new ServerPlan(List.of(ServerModel.values()), List.of(100, 1_000, 10_000, 30_000, 100_000), 5, 64, 16,
                16_384, 2, IN_FLIGHT, LOOP_WARMUP, 2 * LOOP_REQUESTS, 0, 2 * LOOP_PARTS, true);
    }

    /**
     * Requests per active connection of {@code model}'s case at {@code n} connections: {@link #requests}, and for the
     * event loop its warm-up's first {@link LoopWindow#SERVED_FIRST} on every connection, then enough for a part
     * (the loop sees every connection served at a part boundary, up to a part's requests late), the requests in
     * flight it serves before its collection, its longest warm-up after it and its measure taken {@code 1 +}
     * {@link EchoServer#WINDOW_REPEATS} times (a window in which the JIT compiled is measured again), with the
     * requests in flight twice over to spare, so that its window ends while every request in flight is still
     * replaced by the next (the end of a phase, where the connections run out of requests, is a lighter load).
     * That after the first {@link LoopWindow#SERVED_FIRST} on each connection of one client loop alone, as many
     * times over as there are client loops: the loops progress unevenly, and one may have run out of requests
     * while another's connections still have their first ones to serve.
     */
    public int requestsFor(ServerModel model, int n) {
        if (model != ServerModel.EVENT_LOOP) return requests;
        int a = activeOf(n);
        long part = Math.max(1, loopRequests / loopParts), flying = Math.min(inFlight, a), loops = Math.min(clientLoops, a);
        long needed = part + flying + loopWarmup + (1L + EchoServer.WINDOW_REPEATS) * loopRequests + 2L * flying;
        return (int) Math.max(requests, LoopWindow.SERVED_FIRST + (loops * needed + a - 1) / a);
    }

    /** Client hosts (addresses) {@code n} connections need. */
    static int clientHosts(int n) { return (n + CONNECTIONS_PER_ADDRESS - 1) / CONNECTIONS_PER_ADDRESS; }
}
