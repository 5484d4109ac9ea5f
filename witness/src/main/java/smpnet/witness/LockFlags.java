package smpnet.witness;

/** Bit flags of a lock class, as in FreeBSD's lock_init(9) options. */
public final class LockFlags {
    private LockFlags() {}

    /** A thread may take a lock of this class again while holding it. */
    public static final int RECURSABLE = 1;
    /** Several locks of this class may be held at once (e.g. a listener's pcb and its new connection's). */
    public static final int DUPOK = 1 << 1;
    /** Witness ignores locks of this class entirely. */
    public static final int NOWITNESS = 1 << 2;
    /** Witness checks this class but never prints about it (reports still count). */
    public static final int QUIET = 1 << 3;
    /**
     * Readers may enter while a writer waits (recursive read): a cycle that passes only through read
     * acquisitions of such classes cannot deadlock and is not reported.
     */
    public static final int READERS_PASS_WRITERS = 1 << 4;
    /**
     * Every sleep of the holder releases the lock and takes it back afterwards (Giant, as FreeBSD's msleep and
     * sleepable-lock waits drop it). A thread holding it never waits for a SLEEPABLE lock while still holding
     * it, so "this class, then a sleepable class" is no wait-for order: it is neither learned nor part of any
     * cycle (declared ones included), and re-taking this lock after a sleep, under sleepable locks, is fine.
     */
    public static final int SLEEP_DROPS = 1 << 5;

    private static final String[] NAMES = {"RECURSABLE", "DUPOK", "NOWITNESS", "QUIET", "READERS_PASS_WRITERS", "SLEEP_DROPS"};

    /** The flags as text, e.g. "RECURSABLE,DUPOK"; "none" for 0. Used in reports and order files. */
    public static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(NAMES[i]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** Parses {@link #names(int)} output back; throws IllegalArgumentException on an unknown name. */
    public static int parse(String text) {
        int flags = 0;
        if (text.equals("none") || text.isEmpty()) {
            return 0;
        }
        for (String n : text.split(",")) {
            int i = java.util.Arrays.asList(NAMES).indexOf(n.trim());
            if (i < 0) {
                throw new IllegalArgumentException("unknown lock flag '" + n + "'");
            }
            flags |= 1 << i;
        }
        return flags;
    }
}
