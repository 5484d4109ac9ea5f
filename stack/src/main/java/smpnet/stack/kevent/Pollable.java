package smpnet.stack.kevent;

/**
 * Something an {@link EventQueue} can watch: a socket. It reports its readiness without taking any of its
 * locks (a snapshot its own code keeps current) and tells its watchers when that may have changed.
 */
public interface Pollable {
    /** Readiness bits ({@link EventQueue#READ}, {@link EventQueue#WRITE}, {@link EventQueue#ERROR}) now. */
    int readyOps();

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
