package smpnet.labs.percpu;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline the experiment compares your counter with: one word that every CPU adds to atomically. It is
 * correct, and every add moves the word's cache line to the adding CPU. Part of the bench.
 */
final class SharedWord implements Counter {
    private final AtomicLong value = new AtomicLong();

    @Override
    public void add(long delta) {
        CpuCells.Probe.sharedWrite(this);
        value.getAndAdd(delta);
    }

    @Override
    public long sum() { return value.get(); }
}
