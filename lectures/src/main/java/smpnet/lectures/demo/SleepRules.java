package smpnet.lectures.demo;

import java.io.PrintStream;
import java.util.List;
import smpnet.locking.CondVar;
import smpnet.locking.Mutex;
import smpnet.locking.SpinMutex;
import smpnet.locking.SxLock;
import smpnet.witness.Policy;
import smpnet.witness.Report;
import smpnet.witness.Witness;

/**
 * Lecture 3: who may wait while holding what. Each case takes a few locks in one thread and prints what
 * witness says about it: one thread is enough, because witness checks the rule, not the bad luck.
 */
public final class SleepRules {
    private SleepRules() {}

    public static void run(PrintStream out) {
        Witness w = Witness.enable();          // before the locks: a lock reads witness once, when built
        w.setPolicy(Policy.COUNT);
        Mutex mtx = new Mutex("demo_mtx");
        Mutex other = new Mutex("demo_other");
        SpinMutex spin = new SpinMutex("demo_spin");
        SxLock sx = new SxLock("demo_sx");
        CondVar cv = new CondVar("demo_cv");

        show(out, w, "1. cv wait on a mutex, holding only that mutex", () -> {
            mtx.lock();
            cv.awaitNanos(mtx, 1_000);         // the wait releases mtx: nothing is held while asleep
            mtx.unlock();
        });
        show(out, w, "2. cv wait on a mutex while holding another mutex", () -> {
            other.lock();
            mtx.lock();
            cv.awaitNanos(mtx, 1_000);         // other stays held across the sleep
            mtx.unlock();
            other.unlock();
        });
        show(out, w, "3. an sx lock (sleepable) taken while holding a mutex", () -> {
            mtx.lock();
            sx.lock();
            sx.unlock();
            mtx.unlock();
        });
        show(out, w, "4. a mutex taken while holding a spin mutex", () -> {
            spin.lock();
            mtx.lock();
            mtx.unlock();
            spin.unlock();
        });
        show(out, w, "5. a cv wait on an sx lock, holding only it", () -> {
            sx.lock();
            cv.awaitNanos(sx, 1_000);          // sx may be held across a sleep
            sx.unlock();
        });
        Mutex below = new Mutex("demo_below");
        show(out, w, "6. a mutex taken while holding an sx lock (sleepable first, then mutexes)", () -> {
            sx.lock();
            below.lock();
            below.unlock();
            sx.unlock();
        });
    }

    private static void show(PrintStream out, Witness w, String title, Runnable r) {
        int before = w.reports().size();
        r.run();
        List<Report> reports = w.reports().subList(before, w.reports().size());
        out.println(title);
        if (reports.isEmpty()) {
            out.println("   fine: witness has nothing to say");
        }
        for (Report rep : reports) {
            for (String line : rep.text().split("\n")) {
                if (line.startsWith("witness:") || line.startsWith("  lock:") || line.startsWith("  offending")
                        || line.startsWith("  detail:") || line.startsWith("  acquiring:")
                        || line.startsWith("  while holding:")) {
                    out.println("   " + line.strip());
                }
            }
        }
    }
}
