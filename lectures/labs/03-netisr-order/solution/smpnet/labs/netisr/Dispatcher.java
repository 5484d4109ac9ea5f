package smpnet.labs.netisr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;

/**
 * Hands each received packet to one of the netisr workers, as {@code Netisr.dispatch} does in the stack
 * with the source placement policy: a source's packets all go to one worker, whose FIFO queue keeps their
 * order, and different sources spread over the workers.
 *
 * <p>A source is bound to its worker the first time it is seen, and stays there. Recomputing the worker
 * from the worker count (source hash modulo count, FreeBSD's {@code NETISR_POLICY_SOURCE} with a fixed
 * number of threads) would move a source when {@link #addWorker} changes the count, while its older
 * packets are still queued on the old worker: the newer ones would overtake them. New sources are bound
 * in turn to every worker, the added ones included. (A finer dispatcher could move a source whose worker
 * has none of its packets left; it would need to know when a packet was delivered.)
 *
 * <p>Locking key:
 * <pre>
 *   netisr_dispatch  workers, bound and nextWorker; held for a map lookup, never while a worker runs
 * </pre>
 */
public final class Dispatcher {
    private final Mutex lock = new Mutex("netisr_dispatch");
    @GuardedBy("netisr_dispatch")
    private final List<Worker> workers;
    @GuardedBy("netisr_dispatch")
    private final Map<String, Worker> bound = new HashMap<>();
    @GuardedBy("netisr_dispatch")
    private int nextWorker;

    /** A dispatcher over {@code workers} (at least one). */
    public Dispatcher(List<Worker> workers) {
        this.workers = new ArrayList<>(workers);
    }

    /** Queues {@code p} on its source's worker. Called by many receive threads at once. */
    public void dispatch(Packet p) {
        Worker w;
        lock.lock();
        try {
            w = bound.get(p.source());
            if (w == null) {
                w = workers.get(nextWorker);
                nextWorker = (nextWorker + 1) % workers.size();
                bound.put(p.source(), w);
            }
            // Queued under the lock: two threads dispatching one source (a queue whose interrupt moved to
            // another CPU) must not enqueue in the other order than they looked the worker up.
            w.enqueue(p);
        } finally {
            lock.unlock();
        }
    }

    /** Adds a worker for sources not seen yet; the sources already bound stay where their packets are. */
    public void addWorker(Worker w) {
        lock.lock();
        try {
            workers.add(w);
        } finally {
            lock.unlock();
        }
    }
}
