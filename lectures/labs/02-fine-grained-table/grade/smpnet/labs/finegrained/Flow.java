package smpnet.labs.finegrained;

import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;

/**
 * One flow's counters (part of the lab's bench: do not change it). A flow is created with the lock that
 * guards it, and every access asserts that lock, so code that reads or writes a flow without its lock
 * stops at once instead of losing an update one run in a million.
 *
 * <p>Locking key: {@code packets} and {@code bytes} are guarded by {@code guard}.
 */
public final class Flow {
    /** A flow's counters at one instant. */
    public record Snapshot(long packets, long bytes) {
        public Snapshot plus(Snapshot o) { return new Snapshot(packets + o.packets, bytes + o.bytes); }
    }

    private final int id;
    private final ExclusiveLock guard;
    @GuardedBy("guard")
    private long packets;
    @GuardedBy("guard")
    private long bytes;

    /** A flow with no packets yet, guarded by {@code guard}. */
    public Flow(int id, ExclusiveLock guard) {
        this.id = id;
        this.guard = guard;
    }

    public int id() { return id; }

    /** Adds {@code packets} packets of {@code bytes} bytes in all. */
    public void addLocked(long packets, long bytes) {
        guard.assertOwned();
        Probe.inside(id);
        this.packets += packets;
        this.bytes += bytes;
    }

    public Snapshot snapshotLocked() {
        guard.assertOwned();
        return new Snapshot(packets, bytes);
    }
}
