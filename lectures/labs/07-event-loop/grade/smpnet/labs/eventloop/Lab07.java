package smpnet.labs.eventloop;

import static smpnet.labs.grading.Checks.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import smpnet.labs.grading.Checkpoint;
import smpnet.labs.grading.Checks;
import smpnet.labs.grading.Results;

/**
 * Lab 7's checkpoints: exact echoes for many clients, one server thread, a burst queued before the server
 * starts (so an edge-triggered loop that reads one datagram per event is caught every time, not when the
 * timing happens to be bad), and the measurement's results and answers. Nothing graded depends on speed.
 */
final class Lab07 {
    private static final EchoBench.Load PING_PONG = new EchoBench.Load(16, 1, 20, 1400, false, 7);
    private static final EchoBench.Load BURST = new EchoBench.Load(4, 3, 8, 300, true, 8);
    /** The ping-pong run, shared by the first two checkpoints. */
    private static EchoBench.Outcome pingPong;

    private Lab07() {}

    private static EchoBench.Outcome pingPong() throws Exception {
        if (pingPong == null) {
            pingPong = EchoBench.run(new EventLoopServer(), PING_PONG);
        }
        return pingPong;
    }

    private static String problems(EchoBench.Outcome o) {
        List<String> p = o.problems();
        return String.join("\n", p.subList(0, Math.min(4, p.size()))) + (p.size() > 4 ? "\n(" + (p.size() - 4) + " more)" : "");
    }

    @Checkpoint(order = 1, id = "echoes-exact", points = 4,
            title = "16 sockets, a client on each, 20 datagrams of 1-1400 bytes: every echo exact, then the server returns")
    static void echoesExact() throws Exception {
        EchoBench.Outcome o = pingPong();
        check(o.problems().isEmpty() && o.echoes() == o.expected(), o.echoes() + " of " + o.expected() + " echoes came back"
                + " exact.\n" + problems(o) + "\nEach client sends a datagram and waits for its echo. A server that"
                + " serves one socket while the others' clients wait, or sleeps in one socket's receive, leaves"
                + " every other client without an answer.");
    }

    @Checkpoint(order = 2, id = "one-thread", points = 3,
            title = "in that run, every client was served by the one thread the bench called serve() on")
    static void oneThread() throws Exception {
        EchoBench.Outcome o = pingPong();
        check(o.serverThreads().size() == 1, "the server ran on " + o.serverThreads().size() + " threads: "
                + o.serverThreads() + ". An event loop is one thread that waits on one event queue for every socket;"
                + " a thread per socket is the server this lab compares it with.");
        check(o.echoes() == o.expected(), "one thread, but it served " + o.echoes() + " of " + o.expected() + " echoes: the"
                + " point is one thread serving everyone");
    }

    @Checkpoint(order = 3, id = "burst", points = 3,
            title = "8 datagrams from each of 12 clients queued before the server starts: all echoed, each client's in order")
    static void burst() throws Exception {
        EchoBench.Outcome o = EchoBench.run(new EventLoopServer(), BURST);
        check(o.problems().isEmpty() && o.echoes() == o.expected(), o.echoes() + " of " + o.expected() + " echoes came back"
                + " exact.\n" + problems(o) + "\nEvery datagram was already queued in the 4 sockets when serve() began,"
                + " and no client sends more until it has its echoes. A socket reported ready may hold many"
                + " datagrams: with edge-triggered interest nothing reports it again until a new one arrives.");
    }

    @Checkpoint(order = 4, id = "experiment-ran", points = 2,
            title = "results.properties was written by ./smpnet experiment 07 on your current server")
    static void experimentRan() throws Exception {
        Map<String, String> r = results();
        check(Results.unedited(r), EchoExperiment.RESULTS + "'s checksum does not match its numbers: the file was"
                + " edited. Run ./smpnet experiment 07 again and answer from what it writes.");
        check(Results.fingerprint(EventLoopServer.class).equals(r.get("server_class")), EchoExperiment.RESULTS
                + " was written by another version of EventLoopServer than the one graded now: run ./smpnet"
                + " experiment 07 again on your final code.");
        check(String.valueOf(EchoExperiment.LOAD.expected()).equals(r.get("echoes_event_loop")), "in your experiment"
                + " your server echoed " + r.get("echoes_event_loop") + " of " + r.get("echoes_expected") + ": fix the"
                + " server before you measure it");
    }

    @Checkpoint(order = 5, id = "answers-match", points = 2,
            title = "answers.properties reports your results' thread counts and ratio, and which server was faster")
    static void answersMatch() throws Exception {
        Map<String, String> r = results();
        Map<String, String> a = answers();
        for (String key : List.of("threads_event_loop", "threads_per_socket")) {
            check(r.get(key).equals(a.get(key)), "answers.properties: " + key + " is \"" + a.get(key) + "\"; your "
                    + EchoExperiment.RESULTS + " says " + r.get(key));
        }
        Double ratio = Results.number(a, "ratio_threads_over_event_loop");
        double want = Double.parseDouble(r.get("ratio_threads_over_event_loop"));
        check(ratio != null && Math.abs(ratio - want) <= 0.011, "answers.properties: ratio_threads_over_event_loop is \""
                + a.get("ratio_threads_over_event_loop") + "\"; your results say " + r.get("ratio_threads_over_event_loop"));
        String faster = want > 1 ? "event-loop" : "threads";
        check(faster.equals(a.get("faster")), "answers.properties: faster is \"" + a.get("faster") + "\", and in your run"
                + " ms_event_loop = " + r.get("ms_event_loop") + ", ms_threads = " + r.get("ms_threads") + ": answer "
                + faster + ", what your machine measured");
    }

    @Checkpoint(order = 6, id = "concepts", points = 2,
            title = "answers.properties: reading an edge-triggered socket, and a blocking socket in the loop")
    static void concepts() throws Exception {
        Map<String, String> a = answers();
        check("drain".equals(a.get("edge_triggered_read")), "edge_triggered_read is \"" + a.get("edge_triggered_read")
                + "\": after an edge-triggered event, read one datagram, or drain the socket (one or drain)?");
        check("starves-others".equals(a.get("blocking_socket_in_loop")), "blocking_socket_in_loop is \""
                + a.get("blocking_socket_in_loop") + "\": a blocking receive inside the loop is harmless,"
                + " starves-others, or faster?");
    }

    private static Map<String, String> results() throws Exception {
        Path p = Checks.studentFile(EchoExperiment.RESULTS);
        check(Files.exists(p), "no " + EchoExperiment.RESULTS + " beside your code: run ./smpnet experiment 07 (it writes"
                + " the file), then fill in answers.properties from it");
        return Results.read(p);
    }

    private static Map<String, String> answers() throws Exception {
        Path p = Checks.studentFile(EchoExperiment.ANSWERS);
        check(Files.exists(p), "no " + EchoExperiment.ANSWERS + " beside your code");
        return Results.read(p);
    }
}
