package smpnet.sim.packetdrill;

import smpnet.locking.CondVar;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SocketError;

/**
 * The script's application thread: it makes the system calls, one at a time, so a blocking call blocks it
 * and not the script, which goes on with the events after the call (packetdrill's syscall thread). It is a
 * worker of the run's scheduler: a call still blocked when the script ends does not keep the run alive.
 *
 * <p>Locking key: {@code next}, {@code done} and {@code stopping} are guarded by {@code lock} ("pd_syscall",
 * a leaf).
 */
final class SyscallThread {
    /** A system call's body: returns the call's result, or throws SocketError for -1 with errno. */
    @FunctionalInterface
    interface Body {
        long run() throws SocketError;
    }

    /**
     * How a call ended: {@code errno} is set for -1 with errno; {@code failure} when the call's own check
     * failed (getsockopt's value, poll's revents) or the stack threw.
     */
    record Completion(long result, Errno errno, RuntimeException failure, long nanos) {}

    private final Mutex lock = new Mutex("pd_syscall");
    private final CondVar changed = new CondVar("pd_syscall_changed");
    @GuardedBy("pd_syscall") private Body next;
    @GuardedBy("pd_syscall") private Completion done;
    @GuardedBy("pd_syscall") private boolean busy;
    @GuardedBy("pd_syscall") private boolean stopping;
    @GuardedBy("pd_syscall") private boolean exited;
    private volatile Thread thread;

    void start() { thread = Scheduler.current().startWorker("pd-syscalls", 0, this::loop); }

    /** The thread making the calls (poll parks it and its watchers unpark it). */
    Thread thread() { return thread; }

    /** Hands a call over; the thread must be idle. Thread hand-off: the other end is {@link #loop}. */
    void submit(Body body) {
        lock.lock();
        try {
            if (busy) throw new IllegalStateException("a system call is still running");
            next = body;
            busy = true;
            done = null;
            changed.broadcast();
        } finally {
            lock.unlock();
        }
    }

    /** The finished call's completion (taking it), or null while it runs, waiting until {@code deadlineNanos}. */
    Completion await(long deadlineNanos) {
        Scheduler s = Scheduler.current();
        lock.lock();
        try {
            while (done == null && busy) {
                long left = deadlineNanos - s.nanoTime();
                if (left <= 0) return null;
                changed.awaitNanos(lock, left);
            }
            Completion c = done;
            done = null;
            return c;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a call is running (submitted, not yet finished). */
    boolean busy() {
        lock.lock();
        try {
            return busy;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the thread and waits for it to exit, unless a call still blocks it: then it stays until the run
     * ends and unwinds it (waiting here would never end).
     */
    void stop() {
        lock.lock();
        try {
            stopping = true;
            changed.broadcast();
            while (!exited && !busy) changed.await(lock);
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        Scheduler s = Scheduler.current();
        while (true) {
            Body body;
            lock.lock();
            try {
                while (next == null && !stopping) changed.await(lock);
                if (next == null) {
                    exited = true;
                    changed.broadcast();
                    return;
                }
                body = next;
                next = null;
            } finally {
                lock.unlock();
            }
            Completion c;
            try {
                c = new Completion(body.run(), null, null, s.nanoTime());
            } catch (SocketError e) {
                c = new Completion(-1, e.errno(), null, s.nanoTime());
            } catch (RuntimeException e) {
                c = new Completion(-1, null, e, s.nanoTime());
            }
            lock.lock();
            try {
                done = c;
                busy = false;
                changed.broadcast();
            } finally {
                lock.unlock();
            }
        }
    }
}
