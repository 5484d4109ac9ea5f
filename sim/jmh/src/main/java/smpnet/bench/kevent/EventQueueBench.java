package smpnet.bench.kevent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;

/**
 * The event queue's own cost per event against the number of sockets registered in it, {@code registered}
 * from 100 to 100,000 (one thread: the mechanism alone, without sockets, stacks or a second thread's wake-up).
 * The goal is a flat line: each operation's time the same at every count, which it is only if nothing in
 * the queue walks its registrations or its active list.
 *
 * <ul>
 * <li>{@code readyAndPoll}: one registered source becomes readable (the announcement a socket makes on an
 *     append), a poll reports it, it is drained (readable no more, as a read that empties a buffer); the next
 *     poll finds it not ready and drops it. Every other source is registered and idle, as most of a busy
 *     server's connections are.
 * <li>{@code rearmWhileAllReady}: every source is ready and waiting on the active list (all connections
 *     have a request, and the loop has not polled yet); one of them is deregistered and registered again, as
 *     a pool's poller and worker do for every request. A queue that searches its active list to take a
 *     registration off it pays for every source ahead of it.
 * </ul>
 * The ratio of a benchmark's score at 100,000 to its score at 100, in one run, is the growth.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EventQueueBench {
    /** A socket stand-in: readiness set by the benchmark, announced to its one watcher as a socket does. */
    static final class Source implements Pollable {
        volatile int ready;
        private volatile Watcher watcher;

        void set(int ops) {
            ready = ops;
            Watcher w = watcher;
            if (w != null) w.readinessChanged();
        }

        @Override public int readyOps() { return ready; }
        @Override public void addWatcher(Watcher w) { watcher = w; }
        @Override public void removeWatcher(Watcher w) { if (watcher == w) watcher = null; }
    }

    @Param({"100", "1000", "10000", "100000"})
    public int registered;

    EventQueue q;
    Source[] sources;
    /** The next source to use: each operation takes the next one, round the whole set. */
    int next;
    /** A xorshift generator's state, seeded the same in every run. */
    long seed = 0x9E3779B97F4A7C15L;

    @Setup
    public void setUp() {
        q = new EventQueue();
        sources = new Source[registered];
        for (int i = 0; i < registered; i++) {
            sources[i] = new Source();
            q.register(sources[i], EventQueue.READ, false, sources[i]);
        }
        // A new registration is looked at once by the next poll: none is ready, so they all leave the list.
        if (!q.poll(1, Duration.ZERO).isEmpty()) throw new IllegalStateException("a source was ready");
    }

    private Source nextSource() {
        Source s = sources[next];
        next = next + 1 == registered ? 0 : next + 1;
        return s;
    }

    @Benchmark
    public List<EventQueue.Event> readyAndPoll() {
        Source s = nextSource();
        s.set(EventQueue.READ);
        List<EventQueue.Event> got = q.poll(16, Duration.ZERO);
        if (got.size() != 1 || got.getFirst().source() != s) throw new IllegalStateException("reported " + got);
        s.ready = 0; // drained; the next poll drops it from the active list
        return got;
    }

    /** Every source ready and on the active list (a level-triggered registration stays on it). */
    @State(Scope.Thread)
    public static class AllReady {
        EventQueueBench b;

        @Setup
        public void setUp(EventQueueBench bench) {
            b = bench;
            for (Source s : bench.sources) s.set(EventQueue.READ);
        }
    }

    @Benchmark
    public int rearmWhileAllReady(AllReady all) {
        // A random source, wherever it stands in the list (the next in turn would always be at its head).
        seed ^= seed << 13;
        seed ^= seed >>> 7;
        seed ^= seed << 17;
        Source s = sources[(int) Math.floorMod(seed, (long) registered)];
        q.deregister(s);
        q.register(s, EventQueue.READ, false, s);
        return q.size();
    }
}
