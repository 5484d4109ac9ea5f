package smpnet.labs.netisr;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wrong solution: the source's hash modulo the number of workers. Order holds while the count stays; when
 * addWorker changes it, a source moves to another worker with its older packets still queued on the old one.
 */
public final class Dispatcher {
    private final List<Worker> workers;

    public Dispatcher(List<Worker> workers) {
        this.workers = new CopyOnWriteArrayList<>(workers);
    }

    public void dispatch(Packet p) {
        workers.get(Math.floorMod(p.source().hashCode(), workers.size())).enqueue(p);
    }

    public void addWorker(Worker w) {
        workers.add(w);
    }
}
