package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import smpnet.locking.scripted.ScriptedScheduler;

/**
 * Lock profiling with exact counts and times: the scripted scheduler's virtual clock makes every wait and
 * hold a known number of nanoseconds. Sites are this file's lines, found with {@link #here()}.
 */
class LockProfilerTest {
    private String siteA;
    private String siteB;
    private String siteR;

    @AfterEach
    void off() {
        LockProfiler.setListener(null);
        LockProfiler.setMode(LockProfiler.Mode.OFF);
        LockProfiler.reset();
    }

    /** The file:line of the caller, written on the same line as the lock call it names. */
    private static String here() {
        return "LockProfilerTest.java:" + StackWalker.getInstance().walk(f -> f.skip(1).findFirst().orElseThrow()).getLineNumber();
    }

    /** A holds the mutex for 100 ns while B waits for it; B then holds it for 30 ns; R reads an rw lock twice. */
    private void contend(Mutex m, RwLock rw) {
        ScriptedScheduler s = new ScriptedScheduler("A B A*");
        s.startWorker("A", 0, () -> {
            m.lock(); siteA = here();
            Schedulers.current().parkNanos(this, 100);
            m.unlock();
        });
        s.startWorker("B", 1, () -> {
            m.lock(); siteB = here();
            Schedulers.current().parkNanos(this, 30);
            m.unlock();
            for (int i = 0; i < 2; i++) {
                rw.lockShared(); siteR = here();
                rw.lockShared();
                Schedulers.current().parkNanos(this, 7 + i);
                rw.unlockShared();
                rw.unlockShared();
            }
        });
        s.runAll();
    }

    @Test
    void fullModeProfilesEveryAcquisitionPerSite() {
        LockProfiler.reset();
        LockProfiler.setMode(LockProfiler.Mode.FULL);
        contend(new Mutex("prof_mtx"), new RwLock("prof_rw"));
        assertEquals(List.of(
                new LockProfiler.SiteStats("prof_mtx", true, siteB, 1, 1, 100, 100, 100, 1, 30, 30, 30),
                new LockProfiler.SiteStats("prof_mtx", true, siteA, 1, 0, 0, 0, 0, 1, 100, 100, 100),
                new LockProfiler.SiteStats("prof_rw", false, siteR, 2, 0, 0, 0, 0, 2, 7, 8, 15)),
                LockProfiler.snapshot());
        assertEquals(List.of(
                new LockProfiler.SiteStats("prof_mtx", true, "*", 2, 1, 100, 100, 100, 2, 30, 100, 130),
                new LockProfiler.SiteStats("prof_rw", true, "*", 2, 0, 0, 0, 0, 2, 7, 8, 15)),
                LockProfiler.byClass());
    }

    @Test
    void classesModeProfilesEveryAcquisitionByClassAndTellsTheListenerOfEachHold() {
        List<String> holds = new java.util.ArrayList<>();
        LockProfiler.reset();
        LockProfiler.setMode(LockProfiler.Mode.CLASSES);
        LockProfiler.setListener((lockClass, write, waitStart, obtained, released) ->
                holds.add(lockClass + (write ? " w " : " r ") + waitStart + " " + obtained + " " + released));
        contend(new Mutex("prof_mtx"), new RwLock("prof_rw"));
        assertEquals(List.of(
                new LockProfiler.SiteStats("prof_mtx", true, "*", 2, 1, 100, 100, 100, 2, 30, 100, 130),
                new LockProfiler.SiteStats("prof_rw", false, "*", 2, 0, 0, 0, 0, 2, 7, 8, 15)),
                LockProfiler.snapshot());
        // A holds 0..100 while B waits from 0; B holds 100..130; R's two outer read holds (the inner ones
        // are recursive, not profiled) last 7 and 8 ns.
        assertEquals(List.of("prof_mtx w 0 0 100", "prof_mtx w 0 100 130", "prof_rw r 130 130 137", "prof_rw r 137 137 145"),
                holds);
    }

    @Test
    void contendedModeProfilesOnlyAcquisitionsThatWaited() {
        LockProfiler.reset();
        LockProfiler.setMode(LockProfiler.Mode.CONTENDED);
        contend(new Mutex("prof_mtx"), new RwLock("prof_rw"));
        assertEquals(List.of(new LockProfiler.SiteStats("prof_mtx", true, siteB, 1, 1, 100, 100, 100, 1, 30, 30, 30)),
                LockProfiler.snapshot());
    }

    @Test
    void offModeProfilesNothing() {
        LockProfiler.reset();
        contend(new Mutex("prof_mtx"), new RwLock("prof_rw"));
        assertEquals(List.of(), LockProfiler.snapshot());
        assertEquals(LockProfiler.Mode.OFF, LockProfiler.mode());
    }

    @Test
    void tableIsSortedByWaitAndNamesTheTopSites() {
        LockProfiler.reset();
        LockProfiler.setMode(LockProfiler.Mode.FULL);
        contend(new Mutex("prof_mtx"), new RwLock("prof_rw"));
        // The sites are lines of this file below 100, so placeholders of the same width keep the columns.
        String table = LockProfiler.table().replace(siteA, "LockProfilerTest.java:_A")
                .replace(siteB, "LockProfilerTest.java:_B").replace(siteR, "LockProfilerTest.java:_R");
        assertEquals("""
                lock profile (mode full, times in ns, by total wait)
                class        mode site                         acquired contended  wait_min  wait_avg  wait_max  wait_total  hold_min  hold_avg  hold_max  hold_total
                prof_mtx     w    LockProfilerTest.java:_B            1         1       100       100       100         100        30        30        30          30
                prof_mtx     w    LockProfilerTest.java:_A            1         0         0         0         0           0       100       100       100         100
                prof_rw      r    LockProfilerTest.java:_R            2         0         0         0         0           0         7         7         8          15
                top waiting sites of prof_mtx: LockProfilerTest.java:_B (w) 100
                top holding sites of prof_mtx: LockProfilerTest.java:_A (w) 100 LockProfilerTest.java:_B (w) 30
                top waiting sites of prof_rw: none
                top holding sites of prof_rw: LockProfilerTest.java:_R (r) 15
                """, table);
    }

    @Test
    void csvHasOneLinePerRow() {
        LockProfiler.reset();
        LockProfiler.setMode(LockProfiler.Mode.FULL);
        contend(new Mutex("prof_mtx"), new RwLock("prof_rw"));
        assertEquals("class,mode,site,acquired,contended,wait_min,wait_avg,wait_max,wait_total,hold_min,hold_avg,"
                + "hold_max,hold_total\n"
                + "prof_mtx,w," + siteB + ",1,1,100,100,100,100,30,30,30,30\n"
                + "prof_mtx,w," + siteA + ",1,0,0,0,0,0,100,100,100,100\n"
                + "prof_rw,r," + siteR + ",2,0,0,0,0,0,7,7,8,15\n", LockProfiler.csv());
    }
}
