package smpnet.witness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Applies the policy to findings: records them, tells the listeners, prints (WARN, once per key) or throws
 * (THROW). Lock-free: it runs in whichever thread found the problem.
 */
final class Reporter {
    volatile Policy policy;
    volatile Consumer<String> sink = text -> System.err.print(text);
    private final AtomicInteger serial = new AtomicInteger();
    private final ConcurrentLinkedQueue<Report> unique = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> occurrences = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    private final Witness owner;

    Reporter(Witness owner, Policy policy) {
        this.owner = owner;
        this.policy = policy;
    }

    int nextSerial() { return serial.incrementAndGet(); }

    /** Publishes all reports, then throws for the first that must throw (so none is lost under THROW). */
    void publish(List<Report> reports) {
        Report toThrow = null;
        for (Report r : reports) {
            if (record(r) && toThrow == null) {
                toThrow = r;
            }
        }
        if (toThrow != null) {
            throw new WitnessException(toThrow);
        }
    }

    void publish(Report r) {
        if (record(r)) {
            throw new WitnessException(r);
        }
    }

    /** Records, notifies, prints; returns true when the policy says this one must be thrown. */
    private boolean record(Report r) {
        r.witness = owner;
        total.increment();
        AtomicInteger n = occurrences.computeIfAbsent(r.key, k -> new AtomicInteger());
        boolean first = n.getAndIncrement() == 0;
        if (first) {
            unique.add(r);
        }
        Witness.notifyListeners(r);
        if (r.quiet()) {
            return false;
        }
        Policy p = policy;
        if (p == Policy.WARN || r.allowed()) {
            if (first && p != Policy.COUNT) {
                sink.accept(r.text());
            }
            return false;
        }
        return p == Policy.THROW;
    }

    List<Report> reports() { return new ArrayList<>(unique); }

    long total() { return total.sum(); }
}
