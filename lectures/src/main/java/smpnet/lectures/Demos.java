package smpnet.lectures;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import smpnet.lectures.demo.Fairness;
import smpnet.lectures.demo.LockProfile;
import smpnet.lectures.demo.MbufChains;
import smpnet.lectures.demo.MbufHandoff;
import smpnet.lectures.demo.NetisrPlacement;
import smpnet.lectures.demo.Readers;
import smpnet.lectures.demo.ThreadsOrEvents;
import smpnet.lectures.demo.Warmup;
import smpnet.lectures.demo.SleepRules;

/** The lectures' runnable example programs, by the name {@code ./smpnet demo NAME} takes. */
public final class Demos {
    /** One example program. */
    public interface Demo {
        void run(PrintStream out) throws Exception;
    }

    /** Every demo by name; the notes' examples may name only these (LectureExamplesTest checks). */
    public static final Map<String, Demo> ALL = new TreeMap<>(Map.of(
            "sleep-rules", SleepRules::run,
            "fairness", Fairness::run,
            "readers", Readers::run,
            "mbuf-chains", MbufChains::run,
            "mbuf-handoff", MbufHandoff::run,
            "netisr-placement", NetisrPlacement::run,
            "threads-or-events", ThreadsOrEvents::run,
            "lock-profile", LockProfile::run,
            "warmup", Warmup::run));

    private Demos() {}

    static int run(List<String> args, PrintStream out) throws Exception {
        Demo d = args.size() == 1 ? ALL.get(args.get(0)) : null;
        if (d == null) {
            System.err.println("usage: demo NAME, one of " + ALL.keySet());
            return 2;
        }
        d.run(out);
        return 0;
    }
}
