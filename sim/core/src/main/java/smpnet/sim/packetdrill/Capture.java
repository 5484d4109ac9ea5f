package smpnet.sim.packetdrill;

import java.util.ArrayDeque;
import smpnet.locking.CondVar;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;

/**
 * The packets the host sent, in order, each with the virtual time it left: filled by the host's transmit
 * thread ({@link #sent}), drained by the script's thread ({@link #await}).
 *
 * <p>Locking key: {@code queue} is guarded by {@code lock} ("pd_capture", a leaf taken with no other lock).
 */
final class Capture implements Target.Outbound {
    /** One packet and when it left (scheduler nanoseconds). */
    record Sent(byte[] packet, long nanos) {}

    private final Mutex lock = new Mutex("pd_capture");
    private final CondVar arrived = new CondVar("pd_capture_arrived");
    @GuardedBy("pd_capture") private final ArrayDeque<Sent> queue = new ArrayDeque<>();

    /** Thread hand-off: the other end is {@link #await}, on the script's thread. */
    @Override
    public void sent(byte[] ipPacket) {
        lock.lock();
        try {
            queue.add(new Sent(ipPacket, Scheduler.current().nanoTime()));
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The oldest packet not yet taken, waiting for one until {@code deadlineNanos}; null if none came. */
    Sent await(long deadlineNanos) {
        Scheduler s = Scheduler.current();
        lock.lock();
        try {
            while (queue.isEmpty()) {
                long left = deadlineNanos - s.nanoTime();
                if (left <= 0) return null;
                arrived.awaitNanos(lock, left);
            }
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    /** The oldest packet not yet taken, left in place; null if none. */
    Sent peek() {
        lock.lock();
        try {
            return queue.peek();
        } finally {
            lock.unlock();
        }
    }
}
