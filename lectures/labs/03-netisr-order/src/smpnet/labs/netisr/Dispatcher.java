package smpnet.labs.netisr;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands each received packet to one of the netisr workers, as {@code Netisr.dispatch} does in the stack
 * when its dispatch policy is deferred. It is called by the receive threads of every interface queue at
 * once, and workers can be added while packets are queued (a host that brings more CPUs to its network
 * processing under load).
 *
 * <p>This version spreads the packets evenly, one worker after the other. Every worker is busy, and the
 * packets of one source overtake each other. Your job (README.md): keep every source's packets in the
 * order the source received them, with the workers still used in parallel, also across
 * {@link #addWorker}.
 *
 * <p>Locking key: {@code workers} is a copy-on-write list, {@code next} an atomic counter: no lock.
 */
public final class Dispatcher {
    private final List<Worker> workers;
    private final AtomicLong next = new AtomicLong();

    /** A dispatcher over {@code workers} (at least one). */
    public Dispatcher(List<Worker> workers) {
        this.workers = new CopyOnWriteArrayList<>(workers);
    }

    /** Queues {@code p} on one worker. Called by many receive threads at once, each with its own sources. */
    public void dispatch(Packet p) {
        int i = (int) (next.getAndIncrement() % workers.size());
        workers.get(i).enqueue(p);
    }

    /** Adds a worker; packets may be queued on the others at that moment. */
    public void addWorker(Worker w) {
        workers.add(w);
    }
}
