package smpnet.sim.servers;

import java.util.concurrent.TimeUnit;

/**
 * The clients' pause around the full collection the event loop runs before its window ({@link LoopWindow#step}):
 * the loop {@link #ask asks} for it; each client loop then sends no new request, reads the replies to those in
 * flight, and {@link #stop stops} until the loop {@link #release releases} it; a client loop that has ended
 * (every connection done) counts as stopped for good ({@link #leave}). The loop collects once every client loop
 * has {@link #allStopped stopped}: with no request in flight, no request's latency holds the collection's pause,
 * and the case leaves the pause out of the phase's time, CPU and context switches (see {@link EchoServer}).
 * Asked at most once per case.
 *
 * <p>Locking key: the fields are guarded by this object's monitor; {@link #asked} is also read without it
 * (volatile) on the clients' and the loop's hot paths.
 */
final class ClientPause {
    /** The longest a client loop waits to be released before it calls the case failed. */
    static final long WAIT_MINUTES = 10;

    private final int loops;
    private volatile boolean asked;
    private int stopped; // client loops stopped or ended
    private boolean released;

    /** A pause for {@code loops} client loops. */
    ClientPause(int loops) {
        this.loops = loops;
    }

    /** Whether the loop asked the clients to pause (and has not released them yet). */
    boolean asked() {
        return asked;
    }

    /** Asks the client loops to send nothing more and stop once the replies in flight are read. */
    synchronized void ask() {
        if (!released) asked = true;
    }

    /** Whether every client loop has stopped (or ended): no request is in flight. */
    synchronized boolean allStopped() {
        return stopped >= loops;
    }

    /** Releases the stopped client loops (and any asked later: the pause is over for good). */
    synchronized void release() {
        released = true;
        asked = false;
        notifyAll();
    }

    /** Called by a client loop with nothing in flight once the pause was asked: waits until released. */
    synchronized void stop() throws InterruptedException {
        stopped++;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WAIT_MINUTES);
        while (!released) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new IllegalStateException("not released from the pause within " + WAIT_MINUTES + " minutes");
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Called by a client loop as it ends its requests: it counts as stopped from then on. */
    synchronized void leave() {
        stopped++;
    }
}
