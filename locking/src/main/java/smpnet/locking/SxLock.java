package smpnet.locking;

/** A shared/exclusive sleepable lock (sx(9)). PLACEHOLDER implementation, to be replaced. */
public final class SxLock extends RwLock {
    public SxLock(String className) { super(className); }
    public SxLock(String className, int flags) { super(className, flags); }
}
