package smpnet.stack.kevent;

/**
 * Something an {@link EventQueue} can watch: a socket. It reports its readiness without taking any of its
 * locks (a snapshot its own code keeps current) and tells its watchers when that may have changed.
 */
public interface Pollable {
    /** Readiness bits ({@link EventQueue#READ}, {@link EventQueue#WRITE}, {@link EventQueue#ERROR}) now. */
    int readyOps();

    /**
     * Loads the state a program's next call on this source will use, and returns a value computed from it (the
     * caller keeps it, so that the loads stay): a hint with no effect but on the caches. An event queue's poll
     * calls it for the sources it reports, after it released its lock and before it returns them, so that the
     * cache misses of sources cold in memory (a server with 100,000 connections) are taken side by side rather
     * than one after the other in the program's calls. Takes no lock; the default loads nothing.
     */
    default int touch() { return 0; }

    /** Adds a watcher to tell on every change; called by the event queue. */
    void addWatcher(Watcher w);

    /** Removes a watcher added by {@link #addWatcher}. */
    void removeWatcher(Watcher w);

    /** Told by a {@link Pollable} that its readiness may have changed. */
    interface Watcher {
        /** Called with none of the pollable's buffer locks held beyond what its caller documents; must not block. */
        void readinessChanged();
    }
}
