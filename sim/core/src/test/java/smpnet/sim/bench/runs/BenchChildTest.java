package smpnet.sim.bench.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;
import smpnet.locking.LockProfiler;
import smpnet.sim.bench.results.MeasuredWindow;
import smpnet.sim.bench.results.Tally;
import smpnet.sim.bench.workloads.CaseRunner;
import smpnet.sim.bench.workloads.ReceiveWorkload;

/** The child's command loop, in this JVM over a stand-in workload: what the parent sends, what it gets back. */
class BenchChildTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private List<String> serve(String commands) throws Exception {
        CountingWorkload w = new CountingWorkload();
        try (CaseRunner r = new CaseRunner(w)) {
            r.start();
            BenchChild.serve(r, new BufferedReader(new StringReader(commands)),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }
        assertTrue(w.closed);
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /**
     * A stand-in for a receive path: while resumed, one thread "receives" a packet per loop, each with a
     * latency of 1 microsecond; paused, it waits on a monitor. Exact counts, nothing dropped.
     */
    private static final class CountingWorkload implements ReceiveWorkload {
        private final Recorder latency = new Recorder(3);
        private final AtomicLong received = new AtomicLong();
        /** Written under this; the worker's counting loop reads it without the lock. */
        private volatile boolean running;
        /** Guarded by this: the worker's own view, so pause() can wait until it really stopped. */
        private boolean working;
        /** Guarded by this. */
        private boolean stopped;
        volatile boolean closed;
        private Thread worker;

        @Override
        public void start() {
            worker = new Thread(this::work, "counting-workload");
            worker.setDaemon(true);
            worker.start();
        }

        private void work() {
            while (true) {
                synchronized (this) {
                    working = false;
                    notifyAll();
                    while (!running && !stopped) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (stopped) return;
                    working = true;
                }
                while (running) {
                    received.incrementAndGet();
                    latency.recordValue(1_000);
                }
            }
        }

        @Override public synchronized void resume() { running = true; notifyAll(); }

        @Override
        public synchronized void pause() {
            running = false;
            while (working) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override public Tally tally() { long n = received.get(); return new Tally(n, n, 0); }
        @Override public Histogram takeLatency() { return latency.getIntervalHistogram(); }

        @Override
        public Tally stop(long settleNanos) throws InterruptedException {
            pause();
            synchronized (this) { stopped = true; notifyAll(); }
            worker.join();
            return tally();
        }

        @Override
        public void close() {
            synchronized (this) {
                running = false;
                stopped = true;
                notifyAll();
            }
            closed = true;
        }
    }

    @Test
    void answersEachCommandWithOneRecordAndQuitsWithTheSettledTally() throws Exception {
        List<String> out = serve("warmup 10000000 10000000\nrun 1000000 20000000\n\nprofile 0 20000000\nquit\n");
        assertEquals(List.of(ChildProtocol.WARMUP, ChildProtocol.RUN, ChildProtocol.RUN, ChildProtocol.END),
                out.stream().map(ChildProtocol::kind).toList());
        MeasuredWindow first = ChildProtocol.parseWindow(ChildProtocol.fields(out.get(1)));
        MeasuredWindow second = ChildProtocol.parseWindow(ChildProtocol.fields(out.get(2)));
        Tally settled = ChildProtocol.parseTally(ChildProtocol.fields(out.get(3)));
        assertEquals(LockProfiler.Mode.OFF, LockProfiler.mode());
        assertEquals(new Tally(settled.generated(), settled.generated(), 0), settled);
        long measured = first.sample().tally().received() + second.sample().tally().received();
        assertTrue(measured > 0 && measured <= settled.received(), measured + " of " + settled);
        assertTrue(first.pausedWallNanos() > 0 && second.pausedWallNanos() > 0, out.toString());
    }

    @Test
    void theEndOfTheCommandsWithoutQuitIsAFailure() {
        assertEquals("the parent closed the commands before quit", assertThrows(IOException.class,
                () -> serve("warmup 0 0\n")).getMessage());
    }

    @Test
    void aMalformedCommandIsAFailure() {
        assertEquals("unknown command: 'go'", assertThrows(IllegalArgumentException.class,
                () -> serve("go\n")).getMessage());
    }
}
