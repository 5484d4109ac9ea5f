package smpnet.stack.internal;

/**
 * Every JVM system property the stack reads, in one place, with its default (README.md lists them). Each is
 * read when the object it configures is created (a host's lock factory, an allocator), so a test may set it
 * before creating one. Settings that may change while a host runs are sysctls instead ({@code Stack.sysctl}).
 */
public final class StackProperties {
    /**
     * {@code on} (default) or {@code off}: with {@code off}, a new host's read-mostly lock classes (rib,
     * if_addr, udbinfo, tcbinfo) get plain rw locks, the experiment that shows why they are read-mostly.
     */
    public static final String READ_MOSTLY = "smpnet.locks.readmostly";
    /**
     * {@code on} (default) or {@code off}: with {@code off}, a new allocator does not record the allocation
     * site of each outstanding mbuf (benchmarks); leak counts stay exact.
     */
    public static final String MBUF_TRACK = "smpnet.mbuf.track";
    /**
     * The back-end {@code DirtyTracker.open(region)} uses: {@code userfaultfd}, {@code soft-dirty},
     * {@code copy} or {@code barrier}; unset: userfaultfd where it runs, else copy.
     */
    public static final String DIRTY_BACKEND = "smpnet.dirty.backend";

    /** Whether an event queue's poll touches the sources it reports ({@code Pollable.touch}): on unless "off". */
    public static final String KEVENT_TOUCH = "smpnet.kevent.touch";

    private StackProperties() {}

    /** {@value #KEVENT_TOUCH}: true unless "off". */
    public static boolean keventTouch() { return !"off".equals(System.getProperty(KEVENT_TOUCH)); }

    /** {@value #READ_MOSTLY}: true unless "off"; anything but "on" or "off" is an IllegalArgumentException. */
    public static boolean readMostly() {
        String v = System.getProperty(READ_MOSTLY, "on");
        if (!v.equals("on") && !v.equals("off")) {
            throw new IllegalArgumentException(READ_MOSTLY + " must be on or off, not \"" + v + "\"");
        }
        return v.equals("on");
    }

    /** {@value #MBUF_TRACK}: true unless "off". */
    public static boolean mbufTracking() { return !"off".equals(System.getProperty(MBUF_TRACK)); }

    /** {@value #DIRTY_BACKEND}, or null when unset. */
    public static String dirtyBackend() { return System.getProperty(DIRTY_BACKEND); }
}
