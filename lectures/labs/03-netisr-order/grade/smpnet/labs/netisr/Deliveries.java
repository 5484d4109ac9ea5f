package smpnet.labs.netisr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench's record of one run (part of the lab's bench: do not change it): which worker each packet was
 * queued on and the order in which the workers delivered the packets. The checkpoints read it to say
 * which packet overtook which, and on which workers.
 *
 * <p>Locking key: every field is guarded by this object's monitor (workers and dispatching threads
 * record concurrently).
 */
public final class Deliveries {
    /** Where each packet was queued: the worker's index. */
    private final Map<Packet, Integer> queuedOn = new HashMap<>();
    /** Each source's packets in the order they were delivered. */
    private final Map<String, List<Packet>> delivered = new LinkedHashMap<>();
    private final Map<Packet, Integer> deliveredBy = new HashMap<>();
    private int total;

    synchronized void queued(Packet p, int worker) {
        if (queuedOn.putIfAbsent(p, worker) != null) {
            throw new IllegalStateException(p + " was dispatched twice (to worker " + queuedOn.get(p)
                    + " and to worker " + worker + ")");
        }
    }

    synchronized void delivered(Packet p, int worker) {
        delivered.computeIfAbsent(p.source(), s -> new ArrayList<>()).add(p);
        deliveredBy.put(p, worker);
        total++;
        notifyAll();
    }

    /** How many packets were delivered so far. */
    synchronized int total() { return total; }

    /** The worker {@code p} was queued on, or -1 if it was never dispatched to one. */
    synchronized int queuedOn(Packet p) { return queuedOn.getOrDefault(p, -1); }

    /** The workers that delivered at least one packet of a source whose name starts with {@code sourcePrefix}. */
    synchronized List<Integer> workersOf(String sourcePrefix) {
        return deliveredBy.entrySet().stream().filter(e -> e.getKey().source().startsWith(sourcePrefix))
                .map(Map.Entry::getValue).distinct().sorted().toList();
    }

    /** Waits until {@code n} packets were delivered; false after {@code millis}. */
    synchronized boolean awaitTotal(int n, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (total < n) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /**
     * The first thing wrong with the delivery of {@code sent} (each source's packets numbered 1..n), as a
     * sentence for the student, or null if every packet was delivered once and every source in order.
     */
    synchronized String firstProblem(Map<String, Integer> sent) {
        for (Map.Entry<String, Integer> e : sent.entrySet()) {
            List<Packet> got = delivered.getOrDefault(e.getKey(), List.of());
            int want = 1;
            for (Packet p : got) {
                if (p.seq() != want) {
                    if (p.seq() < want) {
                        return p + " was delivered twice";
                    }
                    return overtaken(got, new Packet(e.getKey(), want));
                }
                want++;
            }
            if (want <= e.getValue()) {
                Packet lost = new Packet(e.getKey(), want);
                return lost + " was never delivered (it was queued on " + where(lost) + ")";
            }
        }
        return null;
    }

    /**
     * The sentence for {@code missing}, which packets of its source overtook: it names the lowest-numbered
     * of them, which does not depend on how the workers' threads happened to interleave (every packet the
     * grader let through while the older one was held is among them, whichever ran first).
     */
    private String overtaken(List<Packet> got, Packet missing) {
        int at = got.indexOf(missing);
        Packet first = got.subList(0, at < 0 ? got.size() : at).stream().filter(q -> q.seq() > missing.seq())
                .min(java.util.Comparator.comparingInt(Packet::seq)).orElseThrow();
        if (at < 0) {
            return missing + " was never delivered (it was queued on " + where(missing) + ")";
        }
        return first + " was delivered before packet " + missing.seq() + ": your dispatch does not keep source"
                + " order (packet " + missing.seq() + " was queued on " + where(missing) + ", packet "
                + first.seq() + " on " + where(first) + ", and a worker does not wait for another)";
    }

    private String where(Packet p) {
        int w = queuedOn.getOrDefault(p, -1);
        return w < 0 ? "no worker" : "worker " + w;
    }
}
