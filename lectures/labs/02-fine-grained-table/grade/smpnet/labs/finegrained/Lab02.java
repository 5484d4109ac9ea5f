package smpnet.labs.finegrained;

import static smpnet.labs.grading.Checks.check;
import static smpnet.labs.grading.Checks.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import smpnet.labs.grading.Checkpoint;
import smpnet.labs.grading.Checks;

/** Lab 2's checkpoints. Everything is seeded or sequenced: the same code always gets the same grade. */
final class Lab02 {
    private Lab02() {}

    @Checkpoint(order = 1, id = "no-lor", points = 4,
            title = "every operation, both merge directions and clear: no reversal, buckets in order")
    static void noLor() throws Exception {
        TableLocks.takeViolations();
        TableLocks.takeBucketsUsed();
        FlowTable t = new FlowTable();
        Checks.noReports("the single-threaded tour of FlowTable (account, get, merge both ways, totals, clear)",
                () -> {
                    for (int f = 1; f <= 40; f++) {
                        t.account(f, 100 + f);
                    }
                    t.get(5);
                    t.merge(9, 2);       // bucket 9 into bucket 2
                    t.merge(2, 9);       // and back
                    t.merge(33, 1);      // within bucket 1
                    t.merge(3, 20);      // bucket 3 into bucket 4
                    t.totals();
                    t.clear();
                    t.account(7, 64);
                });
        int used = TableLocks.takeBucketsUsed();
        check(used >= 2, "your table took " + (used == 0 ? "no bucket lock" : "only one bucket's lock")
                + " (TableLocks.bucket): it still runs on one lock for everything, so there is no order to get"
                + " wrong yet. Give each bucket its own lock first (checkpoint parallel-buckets).");
        List<String> v = TableLocks.takeViolations();
        if (!v.isEmpty()) {
            fail("bucket locks were taken out of order: a thread " + v.getFirst() + ". merge(9, 2) and"
                + " merge(2, 9) on two threads would each hold one bucket and wait for the other. Witness cannot"
                + " see this (flow_bucket is one DUPOK class: it orders classes, not locks of one class), so"
                + " the order is yours to keep: always take the lower-numbered bucket first.");
        }
    }

    @Checkpoint(order = 2, id = "correct", points = 3,
            title = "two threads, 3000 seeded operations each: every flow and the totals exact")
    static void correct() throws Exception {
        FlowTable t = new FlowTable();
        AtomicReference<Map<Integer, long[]>> m0 = new AtomicReference<>();
        AtomicReference<Map<Integer, long[]>> m1 = new AtomicReference<>();
        Thread a = new Thread(() -> m0.set(work(t, 0)), "worker-0");
        Thread b = new Thread(() -> m1.set(work(t, 1)), "worker-1");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        a.setUncaughtExceptionHandler((th, e) -> thrown.set(e));
        b.setUncaughtExceptionHandler((th, e) -> thrown.set(e));
        a.setDaemon(true);
        b.setDaemon(true);
        a.start();
        b.start();
        a.join(15_000);
        b.join(15_000);
        check(!a.isAlive() && !b.isAlive(), "the two workers did not finish in 15 s: a deadlock? (their merges"
                + " always go from a lower bucket to a higher one, so even a merge that ignores the bucket"
                + " order cannot deadlock here)");
        if (thrown.get() instanceof Error e) {
            throw e;
        }
        if (thrown.get() instanceof RuntimeException e) {
            throw e;
        }
        long packets = 0;
        long bytes = 0;
        for (Map<Integer, long[]> model : List.of(m0.get(), m1.get())) {
            for (Map.Entry<Integer, long[]> e : model.entrySet()) {
                Flow.Snapshot s = t.get(e.getKey());
                long[] want = e.getValue();
                if (want == null) {
                    check(s == null, "flow " + e.getKey() + " was merged away, but the table still has it: " + s);
                    continue;
                }
                check(s != null && s.packets() == want[0] && s.bytes() == want[1], "flow " + e.getKey()
                        + ": the table says " + s + ", its thread counted " + want[0] + " packets, " + want[1]
                        + " bytes: an update was lost or counted twice (were both threads inside one flow at once?)");
                packets += want[0];
                bytes += want[1];
            }
        }
        Flow.Snapshot tot = t.totals();
        check(tot.packets() == packets && tot.bytes() == bytes, "totals() says " + tot + ", the flows add up to "
                + packets + " packets, " + bytes + " bytes");
    }

    /** Thread {@code id}'s share: flows id, id+2, id+4, ... up to 63, so the threads share every bucket. */
    private static Map<Integer, long[]> work(FlowTable t, int id) {
        Random r = new Random(1000 + id);
        Map<Integer, long[]> model = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            int flow = id + 2 * r.nextInt(32);
            int op = r.nextInt(10);
            if (op < 7) {
                int bytes = 1 + r.nextInt(1500);
                t.account(flow, bytes);
                long[] c = model.computeIfAbsent(flow, k -> new long[2]);   // null (merged away) counts as absent
                c[0]++;
                c[1] += bytes;
            } else if (op < 8) {
                t.get(flow);
            } else {
                int to = id + 2 * r.nextInt(32);
                if (FlowTable.bucketOf(to) < FlowTable.bucketOf(flow)) {
                    int x = to;
                    to = flow;
                    flow = x;
                }
                t.merge(flow, to);
                long[] from = model.get(flow);
                if (flow != to && from != null) {
                    long[] dst = model.get(to);
                    if (dst == null) {
                        dst = new long[2];
                        model.put(to, dst);
                    }
                    dst[0] += from[0];
                    dst[1] += from[1];
                    model.put(flow, null);
                }
            }
        }
        return model;
    }

    @Checkpoint(order = 3, id = "parallel-buckets", points = 4,
            title = "while one thread is inside bucket 1, others use buckets 2 and 3")
    static void parallelBuckets() throws Exception {
        FlowTable t = new FlowTable();
        t.account(1, 100);
        t.account(2, 100);
        t.account(3, 100);
        Probe.stopInside(1);
        Thread inside = new Thread(() -> t.account(1, 100), "inside-bucket-1");
        inside.setDaemon(true);
        inside.start();
        try {
            check(Probe.awaitInside(5_000), "account(1, 100) never reached flow 1's update");
            check(Checks.finishesWithin(2_000, "account-flow-2", () -> t.account(2, 100)),
                    "account(2, 100) (bucket 2) waited while account(1, 100) was inside bucket 1: your table"
                            + " still serialises every flow behind one lock. A packet of one flow must not wait"
                            + " for a packet of an unrelated flow.");
            check(Checks.finishesWithin(2_000, "get-flow-3", () -> t.get(3)),
                    "get(3) (bucket 3) waited while account(1, 100) was inside bucket 1: a reader of one"
                            + " bucket must not wait for a writer of another.");
        } finally {
            Probe.release();
        }
        inside.join(5_000);
        check(!inside.isAlive(), "account(1, 100) did not finish after the grader let it go");
        Flow.Snapshot s = t.get(2);
        check(s != null && s.packets() == 2, "flow 2 should have 2 packets; it has " + s);
    }
}
