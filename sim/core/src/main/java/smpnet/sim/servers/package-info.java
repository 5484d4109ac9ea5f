/**
 * Server models compared on one request/response workload over smpnet's TCP: a thread per connection, a
 * fixed pool of threads, one event loop on an {@link smpnet.stack.kevent.EventQueue}, and a virtual thread
 * per connection. Each case (a model at a number of concurrent connections) runs in this JVM on fresh
 * hosts: one server, and as many client hosts as the connections need addresses (an address has 16,384
 * ephemeral ports). The clients are event loops too, the same for every model, so the models differ only
 * on the server's side.
 *
 * <p>A case has three phases: every connection opens and the server has taken them all; then, measured,
 * each connection carries {@code requests} requests of {@code payload} bytes that the server echoes, one
 * at a time (a closed loop); then the connections close. Throughput and latency come from the measured
 * phase, as do the counts of blocking waits (parks through the scheduling seam by the server's threads)
 * and of the process's operating-system context switches ({@code /proc/self/task/}*{@code /status}).
 * Each model first runs an unreported warm-up case; the event loop measures its own cost per event over a
 * fixed window of requests after a warm-up in which every connection serves two requests, then a full
 * collection runs with the clients paused, then the cost settles (bounded), and measures the window again
 * where the JIT compiled in it (see {@link smpnet.sim.servers.ServerPlan} and {@code LoopWindow.step}).
 */
package smpnet.sim.servers;
