package smpnet.stack.kevent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import smpnet.locking.CondVar;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;

/**
 * A kqueue-like event object: register interest in readable, writable or error on many sockets, then
 * wait for the ones that are ready.
 *
 * <p>Level-triggered interest (the default, like poll(2)) reports a socket on every {@link #poll} while it
 * is ready. Edge-triggered interest (kqueue's EV_CLEAR) reports it once per change the socket announces:
 * the program must drain it, because no further event comes until new data (or space, or an error) does.
 *
 * <p>Besides readiness, a queue carries one-shot events ({@link #post}): a zero-copy send's completion
 * ({@link #ZEROCOPY}) is reported by exactly one poll, like kqueue's EVFILT_AIO with EV_ONESHOT, whatever
 * the socket's registrations.
 *
 * <p>Locking key: the queue's own {@code kqueue} mutex guards the registrations and the active queue. It is
 * a leaf: sockets announce changes by calling {@link Registration#readinessChanged} (which takes it, unless
 * the registration is on the active queue already), and the queue reads readiness through
 * {@link Pollable#readyOps()}, which takes no lock, so no other lock is ever taken under it. Waiters sleep
 * on its condition variable. A registration's {@code queued} flag is written under the mutex and read
 * without it by that announcement (see there why that is safe).
 */
public final class EventQueue {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int ERROR = 4;
    /** A one-shot event: a zero-copy send completed; the event's attachment is its {@code ZeroCopySend}. */
    public static final int ZEROCOPY = 8;
    private static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE / 4);

    /** One ready socket as reported by {@link #poll}. */
    public record Event(Pollable source, int ready, Object attachment) {}

    private final Mutex lock = new Mutex("kqueue");
    private final CondVar activity = new CondVar("kqwait");
    @GuardedBy("kqueue") private final Map<Pollable, Registration> registrations = new IdentityHashMap<>();
    /**
     * The active queue (FreeBSD's kq_head): registrations that may be ready, oldest first, in a ring of
     * references. A registration leaves in constant time wherever it stands by clearing its {@code queued}
     * flag: its entry goes stale, and a poll passes over it (as it would over a registration found not ready).
     * It leaves so only when it dies (deregistered or replaced: never queued again), and a poll takes its entry
     * out before it puts a level-triggered one back, so a queued registration has exactly one entry and an
     * entry is stale exactly when its registration is not queued. A ring rather
     * than a list linked through the registrations (knotes are linked through kn_tqe): a poll walking a linked
     * list loads each registration only once the previous one has given its link, one cache miss after the
     * other when the registrations are cold (a server with 100,000 connections); from a ring it knows a whole
     * batch of registrations at once, and loads them and their sockets' readiness side by side
     * ({@link #collectLocked}). Stale entries are dropped when their share passes half the ring.
     */
    @GuardedBy("kqueue") private Registration[] ring = new Registration[16];
    /** The oldest entry's index, and the number of entries (stale ones included). */
    @GuardedBy("kqueue") private int ringHead, ringSize;
    /** Registrations queued (entries not stale). */
    @GuardedBy("kqueue") private int activeCount;
    /** Where the batch touches of {@link #collectLocked} go, so that the compiler keeps them. */
    @GuardedBy("kqueue") private int touched;
    /** The most entries {@link #collectLocked} touches ahead of the ones it reports. */
    private static final int TOUCH_BATCH = 64;
    /** Posted one-shot events, oldest first; each leaves with the poll that reports it. */
    @GuardedBy("kqueue") private final ArrayDeque<Event> posted = new ArrayDeque<>();

    /**
     * Watches {@code source} for the {@code interest} bits (ERROR is always reported), replacing an earlier
     * registration of the same source. {@code attachment} comes back with its events.
     */
    public void register(Pollable source, int interest, boolean edgeTriggered, Object attachment) {
        Objects.requireNonNull(source, "source");
        Registration r = new Registration(source, interest | ERROR, edgeTriggered, attachment);
        // The watcher first, the activation after: a change the socket announces from now on reaches r, and
        // one announced before is in its readiness, which the first poll after the activation reads. The other
        // order loses a change that comes between them while a poll finds the socket not ready yet. Until it
        // is in the map (live), r ignores announcements: reported before that, it could not be deregistered.
        source.addWatcher(r);
        Registration old;
        boolean wake;
        lock.lock();
        try {
            old = registrations.put(source, r);
            if (old != null) {
                old.live = false;
                unlinkLocked(old);
            }
            r.live = true;
            wake = activateLocked(r);
        } finally {
            lock.unlock();
        }
        if (wake) activity.broadcast();
        if (old != null) source.removeWatcher(old);
    }

    /** Stops watching {@code source}; returns whether it was registered. */
    public boolean deregister(Pollable source) {
        Registration r;
        lock.lock();
        try {
            r = registrations.remove(source);
            if (r == null) return false;
            r.live = false;
            unlinkLocked(r);
        } finally {
            lock.unlock();
        }
        source.removeWatcher(r);
        return true;
    }

    /**
     * Waits until at least one registered socket is ready or {@code timeout} passes (zero: do not wait),
     * and returns up to {@code max} events ({@code max} below 1 is an {@link IllegalArgumentException}).
     */
    public List<Event> poll(int max, Duration timeout) {
        if (max < 1) throw new IllegalArgumentException("poll for " + max + " events: at least 1");
        Objects.requireNonNull(timeout, "timeout");
        // at most 73 years: a longer Duration (ChronoUnit.FOREVER's) does not fit in nanoseconds
        long wait = timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT.toNanos() : timeout.toNanos();
        long deadline = Scheduler.current().nanoTime() + wait;
        // Sized once, under the mutex, for what is there to report (a list grown one event at a time copied
        // itself a dozen times per poll of a hundred events).
        ArrayList<Event> out = new ArrayList<>(0);
        lock.lock();
        try {
            while (true) {
                collectLocked(out, max);
                long left = deadline - Scheduler.current().nanoTime();
                if (!out.isEmpty() || left <= 0) break;
                activity.awaitNanos(lock, left);
            }
        } finally {
            lock.unlock();
        }
        // What the program's calls on the sources will load first, loaded side by side now (Pollable.touch),
        // outside the queue's lock, which the sockets' announcements need meanwhile.
        if (TOUCH) {
            int sum = 0;
            for (int i = 0, n = out.size(); i < n; i++) sum += out.get(i).source().touch();
            touchedOutside = sum;
        }
        return out;
    }

    /** Where the poll's touches go, so that the compiler keeps them (racy: any thread's last value). */
    private int touchedOutside;
    /**
     * Whether a poll calls {@link Pollable#touch} for the sources it reports (JVM property
     * {@code smpnet.kevent.touch}: on unless off).
     */
    private static final boolean TOUCH = smpnet.stack.internal.StackProperties.keventTouch();

    /**
     * Posts an event of kind {@code kind} from {@code source} with {@code attachment}, reported by exactly one
     * {@link #poll} (whether or not {@code source} is registered). Takes only the queue's own leaf lock, so it
     * may be called from any thread holding any stack lock; it never blocks for long.
     */
    public void post(Pollable source, int kind, Object attachment) {
        Objects.requireNonNull(source, "source");
        lock.lock();
        try {
            posted.add(new Event(source, kind, attachment));
        } finally {
            lock.unlock();
        }
        activity.broadcast();
    }

    /** Number of registered sockets. */
    public int size() {
        lock.lock();
        try {
            return registrations.size();
        } finally {
            lock.unlock();
        }
    }

    private void collectLocked(ArrayList<Event> out, int max) {
        lock.assertOwned();
        out.ensureCapacity(Math.min(max, out.size() + posted.size() + activeCount));
        while (out.size() < max && !posted.isEmpty()) out.add(posted.poll());
        // Each entry in the ring now is looked at once at most: a level-triggered registration put back goes
        // last, after them. Batch by batch: first every registration of the batch is loaded, then every one's
        // socket's readiness, loads that do not wait for each other (cold, they are cache misses taken side by
        // side); then the batch is taken off in order.
        int mask = ring.length - 1;
        for (int left = ringSize; left > 0 && out.size() < max; ) {
            int batch = Math.min(left, TOUCH_BATCH);
            int sum = 0;
            for (int i = 0; i < batch; i++) sum += ring[(ringHead + i) & mask].interest;
            for (int i = 0; i < batch; i++) {
                Registration r = ring[(ringHead + i) & mask];
                if (r.queued) sum += r.source.readyOps();
            }
            touched += sum;
            for (int i = 0; i < batch && out.size() < max; i++, left--) {
                int at = ringHead;
                Registration r = ring[at];
                ring[at] = null;
                ringHead = (at + 1) & mask;
                ringSize--;
                if (!r.queued) continue; // stale: it left
                r.queued = false;
                activeCount--;
                int ready = r.source.readyOps() & r.interest;
                if (ready == 0) continue;
                out.add(new Event(r.source, ready, r.attachment));
                // Level-triggered: stays active and is checked again next time; edge: waits for the next change.
                // (Another poller waiting now has nothing to gain from it: this poll reports it.)
                if (!r.edgeTriggered) activateLocked(r);
            }
        }
    }

    /**
     * Puts {@code r} on the active queue unless it is there or not live; true if it was put there. The caller
     * wakes the waiting pollers then, after releasing the queue's mutex: a poller woken while the waker still
     * holds it would only wait for it again (it spun there, at 10,000 connections, for most of its time in
     * poll). No wake-up is lost: a poller checks the queue under the mutex and queues on the condition variable
     * before releasing it, so it either sees the registration or is queued when the broadcast comes.
     */
    private boolean activateLocked(Registration r) {
        lock.assertOwned();
        if (r.queued || !r.live) return false;
        if (ringSize == ring.length) growOrCompactLocked();
        int at = (ringHead + ringSize) & (ring.length - 1);
        ring[at] = r;
        ringSize++;
        r.queued = true;
        activeCount++;
        return true;
    }

    /**
     * A full ring: drops its stale entries if they are half of it or more (each queued registration keeps its
     * one live entry, in order), else doubles it.
     */
    private void growOrCompactLocked() {
        int n = ring.length;
        int size = activeCount * 2 <= n ? n : 2 * n;
        Registration[] r2 = new Registration[size];
        int k = 0;
        for (int i = 0; i < ringSize; i++) {
            Registration r = ring[(ringHead + i) & (n - 1)];
            if (r.queued) r2[k++] = r;
        }
        ring = r2;
        ringHead = 0;
        ringSize = k;
    }

    /** Entries in the active queue's ring, stale ones included (tests: the ring stays bounded). */
    int ringEntries() {
        lock.lock();
        try {
            return ringSize;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code r} off the active queue if it is on it: constant time, wherever it stands (its entry goes stale). */
    private void unlinkLocked(Registration r) {
        lock.assertOwned();
        if (!r.queued) return;
        r.queued = false;
        activeCount--;
    }

    /** One source's registration in this queue (FreeBSD's knote). */
    final class Registration implements Pollable.Watcher {
        final Pollable source;
        final int interest;
        final boolean edgeTriggered;
        final Object attachment;
        /**
         * On the active queue (with one entry there). Written under the kqueue mutex; read without it by
         * {@link #readinessChanged}, hence volatile.
         */
        @GuardedBy("kqueue") volatile boolean queued;
        /** In the map: from its registration until it is deregistered or replaced; only then is it activated. */
        @GuardedBy("kqueue") boolean live;

        Registration(Pollable source, int interest, boolean edgeTriggered, Object attachment) {
            this.source = source;
            this.interest = interest;
            this.edgeTriggered = edgeTriggered;
            this.attachment = attachment;
        }

        /**
         * The socket's readiness may have changed (its other end: the socket's code, on whatever thread
         * changed it). A registration on the active queue already needs nothing more: the poll that takes it
         * off clears {@code queued} and only then reads the socket's readiness, while the socket wrote its
         * readiness before this read of {@code queued}; both are volatile, so either this read sees the flag
         * cleared and queues the registration again, or that poll reads the new readiness. Either way the
         * change is reported, and a busy socket's announcements (every append, every read, every ACK that
         * frees space) cost a volatile read instead of the queue's mutex, which the poller needs too. An
         * edge-triggered registration's changes coalesce while it waits to be reported, as kqueue's EV_CLEAR
         * events do.
         */
        @Override
        public void readinessChanged() {
            if (queued) return;
            boolean wake;
            lock.lock();
            try {
                wake = activateLocked(this);
            } finally {
                lock.unlock();
            }
            if (wake) activity.broadcast();
        }
    }
}
