package smpnet.labs.percpu;

/** A counter many threads add to and a few read: what {@link HotCounter} implements. Part of the bench. */
interface Counter {
    /** Adds {@code delta} (never negative) to the count. */
    void add(long delta);

    /** The count: exact once every add has returned; while adds run, never less than an earlier sum. */
    long sum();
}
