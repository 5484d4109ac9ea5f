package smpnet.labs.eventloop;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import smpnet.labs.grading.Checks;
import smpnet.labs.grading.Experiment;
import smpnet.labs.grading.Results;

/**
 * Lab 7's experiment ({@code ./smpnet experiment 07}): your event loop and the bench's thread-per-socket
 * server under the same load, three rounds each, alternated. It counts the threads each server used and the
 * echoes that came back (the same on every machine for a correct server), and times the clients (this
 * machine's numbers), then writes {@code results.properties} beside your code.
 */
final class EchoExperiment {
    static final String RESULTS = "results.properties";
    static final String ANSWERS = "answers.properties";
    static final EchoBench.Load LOAD = new EchoBench.Load(32, 1, 100, 512, false, 77);
    private static final int ROUNDS = 3;

    private EchoExperiment() {}

    @Experiment
    static void run() throws Exception {
        double[] loop = new double[ROUNDS];
        double[] threads = new double[ROUNDS];
        EchoBench.Outcome lastLoop = null;
        EchoBench.Outcome lastThreads = null;
        for (int round = 0; round < ROUNDS; round++) {
            lastLoop = EchoBench.run(new EventLoopServer(), LOAD);
            lastThreads = EchoBench.run(new ThreadPerSocketServer(), LOAD);
            loop[round] = lastLoop.nanos() / 1e6;
            threads[round] = lastThreads.nanos() / 1e6;
        }
        Map<String, String> r = new LinkedHashMap<>();
        r.put("sockets", String.valueOf(LOAD.sockets()));
        r.put("echoes_expected", String.valueOf(LOAD.expected()));
        r.put("echoes_event_loop", String.valueOf(lastLoop.echoes()));
        r.put("echoes_threads", String.valueOf(lastThreads.echoes()));
        r.put("threads_event_loop", String.valueOf(lastLoop.serverThreads().size()));
        r.put("threads_per_socket", String.valueOf(lastThreads.serverThreads().size()));
        double l = median(loop);
        double t = median(threads);
        r.put("ms_event_loop", Results.twoDecimals(l));
        r.put("ms_threads", Results.twoDecimals(t));
        r.put("ratio_threads_over_event_loop", Results.twoDecimals(t / l));
        r.put("server_class", Results.fingerprint(EventLoopServer.class));
        Results.write(Checks.studentDir().resolve(RESULTS), "./smpnet experiment 07", r);
        System.out.println("lab 07 experiment: " + LOAD.sockets() + " sockets, " + LOAD.expected() + " echoes, median of "
                + ROUNDS + " rounds\n  event loop: " + r.get("threads_event_loop") + " thread(s), " + r.get("echoes_event_loop")
                + " echoes, " + r.get("ms_event_loop") + " ms\n  thread per socket: " + r.get("threads_per_socket")
                + " thread(s), " + r.get("echoes_threads") + " echoes, " + r.get("ms_threads") + " ms\nwritten to "
                + Checks.studentDir().resolve(RESULTS));
        if (!lastLoop.problems().isEmpty()) {
            System.out.println("your server's problems in the last round:\n  " + String.join("\n  ", lastLoop.problems()));
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
