package smpnet.labs.netisr;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wrong solution: every packet to the first worker. Every source is in order, and the other workers (and
 * the added ones) never run: netisr with one thread.
 */
public final class Dispatcher {
    private final List<Worker> workers;

    public Dispatcher(List<Worker> workers) {
        this.workers = new CopyOnWriteArrayList<>(workers);
    }

    public void dispatch(Packet p) {
        workers.getFirst().enqueue(p);
    }

    public void addWorker(Worker w) {
        workers.add(w);
    }
}
