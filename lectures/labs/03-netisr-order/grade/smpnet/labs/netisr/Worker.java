package smpnet.labs.netisr;

import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One netisr worker of the lab's bench (do not change it): a thread with a FIFO queue that delivers, one
 * at a time and in queue order, the packets handed to it, as the stack's {@code Workstream} and
 * {@code NetisrEngine.runHandler} do. A worker keeps the order of its own queue; nothing orders two
 * workers. The grader can stop a worker inside its next packet ({@link #holdNext}) to see what the other
 * workers deliver meanwhile.
 *
 * <p>Locking key: {@code queue}, {@code busy} and {@code hold} are guarded by this object's monitor. The
 * hand-off: {@link #enqueue} (the dispatching thread) ══ queue ══► {@code run} (this worker's thread).
 */
public final class Worker {
    private final int index;
    private final Deliveries log;
    private final ArrayDeque<Packet> queue = new ArrayDeque<>();
    private boolean busy;
    private boolean hold;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    Worker(int index, Deliveries log) {
        this.index = index;
        this.log = log;
        Thread t = new Thread(this::run, "netisr-worker-" + index);
        t.setDaemon(true);
        t.start();
    }

    /** This worker's number (0, 1, ...), as the grader's messages name it. */
    public int index() { return index; }

    /** Packets queued here and not yet delivered (the one being delivered included). */
    public synchronized int queued() { return queue.size() + (busy ? 1 : 0); }

    /** Queues {@code p}; this worker's thread delivers it after every packet queued here before it. */
    public void enqueue(Packet p) {
        log.queued(p, index);
        synchronized (this) {
            queue.addLast(p);
            notifyAll();
        }
    }

    @Override
    public String toString() { return "worker " + index; }

    /** The next packet this worker takes stops it until {@link #release}. */
    synchronized void holdNext() { hold = true; }

    /** Forgets a {@link #holdNext} that no packet has met yet. */
    synchronized void cancelHold() { hold = false; }

    boolean awaitEntered(long millis) throws InterruptedException {
        return entered.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean isHeld() { return entered.getCount() == 0 && release.getCount() > 0; }

    void release() { release.countDown(); }

    /** Waits until this worker's queue is empty and it delivers nothing; false after {@code millis}. */
    synchronized boolean awaitIdle(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (queued() > 0) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private void run() {
        try {
            while (true) {
                Packet p;
                boolean stop;
                synchronized (this) {
                    while (queue.isEmpty()) {
                        wait();
                    }
                    p = queue.pollFirst();
                    busy = true;
                    stop = hold;
                    hold = false;
                }
                if (stop) {
                    entered.countDown();
                    release.await();
                }
                log.delivered(p, index);
                synchronized (this) {
                    busy = false;
                    notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
