package smpnet.labs.netisr;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wrong solution: each packet to the worker with the shortest queue. The load is balanced perfectly, and a
 * packet whose source's previous packet waits on a busy worker goes to an idle one and overtakes it.
 */
public final class Dispatcher {
    private final List<Worker> workers;

    public Dispatcher(List<Worker> workers) {
        this.workers = new CopyOnWriteArrayList<>(workers);
    }

    public void dispatch(Packet p) {
        Worker best = workers.getFirst();
        for (Worker w : workers) {
            if (w.queued() < best.queued()) {
                best = w;
            }
        }
        best.enqueue(p);
    }

    public void addWorker(Worker w) {
        workers.add(w);
    }
}
