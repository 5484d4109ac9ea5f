package smpnet.labs.netisr;

import static smpnet.labs.grading.Checks.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import smpnet.labs.grading.Checkpoint;

/**
 * Lab 3's checkpoints. The packets' interleaving is seeded and the only waits are for a stopped worker to
 * be inside its packet or for the other workers to run dry, so the same dispatcher always gets the same
 * grade: a dispatch that can reorder a source is made to reorder it by stopping the worker that holds the
 * source's older packet.
 */
final class Lab03 {
    private static final List<String> SOURCES = List.of("em0/q0", "em0/q1", "em0/q2", "em0/q3",
            "em1/q0", "em1/q1", "em1/q2", "em1/q3");
    private static final List<String> LATE_SOURCES = List.of("em2/q0", "em2/q1", "em2/q2", "em2/q3");

    private Lab03() {}

    /** A run with four workers, the worker of the first packet stopped inside it until the others ran dry. */
    private record StoppedRun(Deliveries log, Worker held, Map<String, Integer> sent, int deliveredWhileHeld,
                              boolean othersRanDry) {}

    private static StoppedRun stopOneWorker() throws Exception {
        Deliveries log = new Deliveries();
        List<Worker> workers = workers(0, 4, log);
        Dispatcher d = new Dispatcher(new ArrayList<>(workers));
        workers.forEach(Worker::holdNext);
        Map<String, Integer> sent = new LinkedHashMap<>();
        Packet first = new Packet(SOURCES.getFirst(), 1);
        sent.put(first.source(), 1);
        d.dispatch(first);
        Worker held = null;
        for (int i = 0; i < 100 && held == null; i++) {
            for (Worker w : workers) {
                if (w.awaitEntered(i == 0 ? 0 : 50)) {
                    held = w;
                    break;
                }
            }
        }
        check(held != null, "dispatch(" + first + ") queued it on no worker: every packet must go to one of the"
                + " dispatcher's workers (Worker.enqueue)");
        for (Worker w : workers) {
            if (w != held) {
                w.cancelHold();
            }
        }
        send(d, sent, SOURCES, 6, new Random(303));
        boolean dry = true;
        for (Worker w : workers) {
            if (w != held) {
                dry &= w.awaitIdle(5_000);
            }
        }
        int whileHeld = log.total();
        held.release();
        int total = sent.values().stream().mapToInt(Integer::intValue).sum();
        log.awaitTotal(total, 10_000);
        return new StoppedRun(log, held, sent, whileHeld, dry);
    }

    @Checkpoint(order = 1, id = "source-order", points = 4,
            title = "four workers, one stopped inside a packet: every source still delivered in order")
    static void sourceOrder() throws Exception {
        StoppedRun run = stopOneWorker();
        check(run.othersRanDry(), "the workers other than the stopped " + run.held() + " still had packets after"
                + " 5 s: does your dispatch wait for the stopped worker?");
        String problem = run.log().firstProblem(run.sent());
        check(problem == null, problem + ". The grader stopped " + run.held() + " inside packet 1 of "
                + SOURCES.getFirst() + " and let the other workers run: a source whose packets sit on two workers"
                + " is delivered in whatever order the workers happen to run.");
    }

    @Checkpoint(order = 2, id = "parallel-sources", points = 3,
            title = "while one worker is stopped, the sources on the other workers are delivered")
    static void parallelSources() throws Exception {
        StoppedRun run = stopOneWorker();
        check(run.deliveredWhileHeld() > 0, "while the grader held " + run.held() + " inside packet 1 of "
                + SOURCES.getFirst() + ", no other worker delivered a single packet of the 8 sources: every source"
                + " waits behind one worker. Order is kept, but the added workers do nothing: a source must"
                + " stay on one worker, yet different sources should use different workers.");
        String problem = run.log().firstProblem(run.sent());
        check(problem == null || !problem.contains("never delivered"), problem);
    }

    @Checkpoint(order = 3, id = "order-across-growth", points = 4,
            title = "two workers become four while packets are queued: every source still in order")
    static void orderAcrossGrowth() throws Exception {
        Deliveries log = new Deliveries();
        List<Worker> first = workers(0, 2, log);
        Dispatcher d = new Dispatcher(new ArrayList<>(first));
        first.forEach(Worker::holdNext);
        Map<String, Integer> sent = new LinkedHashMap<>();
        Random r = new Random(404);
        send(d, sent, SOURCES, 2, r);
        for (Worker w : first) {
            if (w.queued() > 0) {
                check(w.awaitEntered(5_000), w + " has packets but never started the first one");
            } else {
                w.cancelHold();
            }
        }
        List<Worker> added = workers(2, 2, log);
        for (Worker w : added) {
            d.addWorker(w);
        }
        send(d, sent, SOURCES, 2, r);
        send(d, sent, LATE_SOURCES, 2, r);
        for (Worker w : added) {
            check(w.awaitIdle(5_000), "the added " + w + " still had packets after 5 s");
        }
        first.forEach(Worker::release);
        int total = sent.values().stream().mapToInt(Integer::intValue).sum();
        log.awaitTotal(total, 10_000);
        String problem = log.firstProblem(sent);
        check(problem == null, problem + ". The grader held workers 0 and 1 inside their first packets, called"
                + " addWorker twice and sent packets 3 and 4 of every source: a source that your dispatch moved to"
                + " an added worker overtook its own packets still queued on the old one.");
        List<Integer> late = log.workersOf("em2/");
        check(late.stream().anyMatch(w -> w >= 2), "the sources that appeared after addWorker ("
                + String.join(", ", LATE_SOURCES) + ") all went to workers " + late + ": the added workers 2 and 3"
                + " are never used. New sources may go to new workers; only a source already seen must stay.");
    }

    private static List<Worker> workers(int from, int n, Deliveries log) {
        List<Worker> ws = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            ws.add(new Worker(i, log));
        }
        return ws;
    }

    /** Sends the next {@code perSource} packets of each source, the sources interleaved by {@code r}. */
    private static void send(Dispatcher d, Map<String, Integer> sent, List<String> sources, int perSource, Random r) {
        List<String> bag = new ArrayList<>();
        for (String s : sources) {
            for (int i = 0; i < perSource; i++) {
                bag.add(s);
            }
        }
        while (!bag.isEmpty()) {
            String s = bag.remove(r.nextInt(bag.size()));
            int seq = sent.merge(s, 1, Integer::sum);
            d.dispatch(new Packet(s, seq));
        }
    }
}
