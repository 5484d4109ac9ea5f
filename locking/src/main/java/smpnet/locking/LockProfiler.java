package smpnet.locking;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lock profiling, switchable at run time, modeled on FreeBSD's LOCK_PROFILING and Linux's lock_stat: per
 * lock class, per acquisition mode (read/write) and per acquisition site (file:line of the caller), the
 * acquisitions, contended acquisitions, wait time and hold time (min/avg/max/total, in scheduler
 * nanoseconds). Printable as a sorted table ({@link #table()}) with the top waiting and holding sites per
 * class, and exportable as CSV ({@link #csv()}).
 *
 * <p>Modes: {@link Mode#OFF}; {@link Mode#CONTENDED}, which profiles only acquisitions that had to wait
 * (an uncontended acquisition costs one volatile read and nothing else; "acquisitions" then counts only
 * those) and the holds that follow them; and {@link Mode#FULL}, which profiles every acquisition and walks
 * the stack for its site each time (expensive, as it should be for a diagnostic); and {@link Mode#CLASSES},
 * which profiles every acquisition as full mode does but charges it to its lock class alone (site "*"),
 * without the stack walk: what a timeline of every hold needs. Recursive acquisitions are not profiled: the
 * outermost hold is. A hold is charged to the site that acquired it.
 *
 * <p>A {@link HoldListener} ({@link #setListener}) is told of every profiled hold when it ends, with its wait
 * and hold times, on the releasing thread: a trace draws them as slices. Without a listener, or with
 * profiling off, it costs nothing (the listener is read only when a profiled hold ends).
 */
@LockImplementation
public final class LockProfiler {
    /** What is profiled. */
    public enum Mode { OFF, CONTENDED, FULL, CLASSES }

    static final int OFF = 0;
    static final int CONTENDED = 1;
    static final int FULL = 2;
    static final int CLASSES = 3;
    /** The site of every acquisition in {@link Mode#CLASSES}, as in per-class totals. */
    static final String ANY_SITE = "*";
    /** A wait start that was not timed: profiling was off when the wait began, or there was no wait. */
    static final long NOT_TIMED = Long.MIN_VALUE;

    /** The mode, read by every acquisition: 0 off, 1 contended-only, 2 full, 3 every acquisition by class. */
    static volatile int mode = OFF;

    /** Told of each profiled hold as it ends; null when none is installed. */
    private static volatile HoldListener listener;

    /**
     * Hears of profiled holds as they end: the releasing thread calls it right after the release, so it must
     * be quick and must not take a profiled lock. Times are the scheduler's nanoseconds.
     */
    @FunctionalInterface
    public interface HoldListener {
        /**
         * A hold of a lock of {@code lockClass} ended; {@code waitStart} is when its acquisition began to
         * wait ({@code obtained} when it did not wait), {@code obtained} when the lock was taken.
         */
        void held(String lockClass, boolean write, long waitStart, long obtained, long released);
    }

    /** Installs {@code l} (null: none); profiled holds that end afterwards are reported to it. */
    public static void setListener(HoldListener l) { listener = l; }

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final ConcurrentHashMap<Key, Site> SITES = new ConcurrentHashMap<>();
    /** Is a class part of the lock implementation (its frames are skipped when looking for the site)? */
    private static final ClassValue<Boolean> IMPLEMENTATION = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) { return c.isAnnotationPresent(LockImplementation.class); }
    };

    private LockProfiler() {}

    /** Switches profiling; takes effect for acquisitions that start afterwards. */
    public static void setMode(Mode m) { mode = m.ordinal(); }

    public static Mode mode() { return Mode.values()[mode]; }

    /** Forgets everything profiled so far (holds in progress are charged to the forgotten records). */
    public static void reset() { SITES.clear(); }

    /** Is a wait that starts now to be timed? */
    static boolean timingWaits() { return mode != OFF; }

    static long now() { return Schedulers.current().nanoTime(); }

    /** Slow paths call this before they wait: the wait start, or NOT_TIMED when profiling is off. */
    static long waitStart() { return mode != OFF ? now() : NOT_TIMED; }

    /**
     * Full mode only: the caller's site, found before the lock is taken, so the stack walk does not lengthen
     * the hold (and the wait of the next thread). Null in the other modes: one volatile read.
     */
    static String fullModeSite() {
        int m = mode;
        return m == FULL ? callerSite() : m == CLASSES ? ANY_SITE : null;
    }

    /** Before a timed wait: the site of the acquisition ({@code known}, or walked now), or null if untimed. */
    static String siteOfWait(long waitStart, String known) {
        return waitStart == NOT_TIMED ? null : known != null ? known : callerSite();
    }

    /** Records an acquisition at {@code site}; returns the hold to pass to {@link #released}. */
    static Hold obtained(String lockClass, boolean write, long waitStart, String site) {
        long t = now();
        Site s = SITES.computeIfAbsent(new Key(lockClass, write, site), Site::new);
        s.acquired(waitStart == NOT_TIMED ? -1 : t - waitStart);
        return new Hold(s, t, waitStart == NOT_TIMED ? t : waitStart);
    }

    static void released(Hold h) {
        long t = now();
        h.site.held(t - h.since);
        HoldListener l = listener;
        if (l != null) l.held(h.site.key.lockClass(), h.site.key.write(), h.waitStart, h.since, t);
    }

    /** The first frame outside the lock implementation: the caller of lock()/await(). */
    static String callerSite() {
        return WALKER.walk(frames -> frames
                .filter(f -> !IMPLEMENTATION.get(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber())
                .orElse("unknown"));
    }

    /** The profile so far, one row per (class, mode, site), sorted as in {@link #table()}. */
    public static List<SiteStats> snapshot() {
        List<SiteStats> rows = new ArrayList<>();
        for (Site s : SITES.values()) rows.add(s.stats());
        rows.sort(ORDER);
        return rows;
    }

    /** Sort order: most total wait first, then most total hold, then class, site and mode. */
    static final Comparator<SiteStats> ORDER = Comparator.comparingLong(SiteStats::waitTotal).reversed()
            .thenComparing(Comparator.comparingLong(SiteStats::holdTotal).reversed())
            .thenComparing(SiteStats::lockClass)
            .thenComparing(SiteStats::site)
            .thenComparing(SiteStats::write);

    /** The profile as a table sorted by total wait, followed by the top sites of every class. */
    public static String table() { return ProfileReport.table(mode(), snapshot(), 3); }

    /** The profile as CSV, one header line and one line per row of {@link #snapshot()}. */
    public static String csv() { return ProfileReport.csv(snapshot()); }

    /** Per class totals: rows of {@link #snapshot()} summed over sites and modes, sorted by wait. */
    public static List<SiteStats> byClass() {
        Map<String, SiteStats> sums = new LinkedHashMap<>();
        for (SiteStats r : snapshot()) sums.merge(r.lockClass(), r.asClassTotal(), SiteStats::plus);
        List<SiteStats> out = new ArrayList<>(sums.values());
        out.sort(ORDER);
        return out;
    }

    /**
     * One row of the profile. Times are scheduler nanoseconds; a min of a column with no samples is 0.
     * {@code site} is "*" in per-class totals.
     */
    public record SiteStats(String lockClass, boolean write, String site, long acquisitions, long contended,
                            long waitMin, long waitMax, long waitTotal,
                            long holds, long holdMin, long holdMax, long holdTotal) {
        /** Mean wait of the contended acquisitions. */
        public long waitAvg() { return contended == 0 ? 0 : waitTotal / contended; }

        public long holdAvg() { return holds == 0 ? 0 : holdTotal / holds; }

        SiteStats asClassTotal() {
            return new SiteStats(lockClass, true, "*", acquisitions, contended, waitMin, waitMax, waitTotal,
                    holds, holdMin, holdMax, holdTotal);
        }

        SiteStats plus(SiteStats o) {
            return new SiteStats(lockClass, write, site, acquisitions + o.acquisitions, contended + o.contended,
                    minOf(waitMin, contended, o.waitMin, o.contended), Math.max(waitMax, o.waitMax),
                    waitTotal + o.waitTotal, holds + o.holds, minOf(holdMin, holds, o.holdMin, o.holds),
                    Math.max(holdMax, o.holdMax), holdTotal + o.holdTotal);
        }

        private static long minOf(long a, long na, long b, long nb) {
            if (na == 0) return b;
            if (nb == 0) return a;
            return Math.min(a, b);
        }
    }

    /** The record of one profiled hold, kept by the lock (or the reader) until release. */
    static final class Hold {
        final Site site;
        final long since;
        /** When the acquisition began to wait; {@code since} when it did not. */
        final long waitStart;

        Hold(Site site, long since, long waitStart) {
            this.site = site;
            this.since = since;
            this.waitStart = waitStart;
        }
    }

    private record Key(String lockClass, boolean write, String site) {}

    /** The counters of one (class, mode, site); updated under its own monitor (diagnostics only). */
    static final class Site {
        private final Key key;
        @GuardedBy("this")
        private long acquisitions;
        @GuardedBy("this")
        private long contended;
        @GuardedBy("this")
        private long waitMin = Long.MAX_VALUE;
        @GuardedBy("this")
        private long waitMax;
        @GuardedBy("this")
        private long waitTotal;
        @GuardedBy("this")
        private long holds;
        @GuardedBy("this")
        private long holdMin = Long.MAX_VALUE;
        @GuardedBy("this")
        private long holdMax;
        @GuardedBy("this")
        private long holdTotal;

        Site(Key key) { this.key = key; }

        /** {@code wait} is -1 for an acquisition that did not wait. */
        synchronized void acquired(long wait) {
            acquisitions++;
            if (wait < 0) return;
            contended++;
            waitMin = Math.min(waitMin, wait);
            waitMax = Math.max(waitMax, wait);
            waitTotal += wait;
        }

        synchronized void held(long t) {
            holds++;
            holdMin = Math.min(holdMin, t);
            holdMax = Math.max(holdMax, t);
            holdTotal += t;
        }

        synchronized SiteStats stats() {
            return new SiteStats(key.lockClass(), key.write(), key.site(), acquisitions, contended,
                    contended == 0 ? 0 : waitMin, waitMax, waitTotal,
                    holds, holds == 0 ? 0 : holdMin, holdMax, holdTotal);
        }
    }
}
