package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.witness.OrderReversalTest.nest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** "Show locks" and "show witness" (text and DOT, checked by Graphviz). */
class ShowTest {
    private Witness w;

    @BeforeEach
    void fresh() {
        w = FakeLock.countingWitness();
        w.setRecordSites(true);
    }

    @Test
    void showLocksListsEveryThreadWithSites() throws Exception {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.of(w, "b", LockKind.SLEEPABLE, 0);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            b.lockShared();
            holding.countDown();
            OrderReversalTest.await(done);
            b.unlockShared();
        }, "show-worker");
        t.start();
        holding.await();
        a.lock();
        String shown = Texts.noFrames(w.showLocks());
        String me = Thread.currentThread().getName();
        String mine = "  thread \"" + me + "\":\n    1. a (mutex, exclusive) at @\n";
        String theirs = "  thread \"show-worker\":\n    1. b (sleepable, shared) at @\n";
        assertEquals("witness: show locks\n" + (me.compareTo("show-worker") < 0 ? mine + theirs : theirs + mine), shown);
        assertTrue(w.showLocks().contains("1. a (mutex, exclusive) at smpnet.witness.ShowTest.showLocksListsEveryThreadWithSites(ShowTest.java:"),
                w.showLocks());
        done.countDown();
        t.join();
        a.unlock();
        assertEquals("witness: show locks\n  no locks held\n", w.showLocks());
    }

    private void graph() {
        FakeLock a = FakeLock.mutex(w, "inp");
        FakeLock b = FakeLock.mutex(w, "so_rcv");
        FakeLock s = FakeLock.of(w, "callout", LockKind.SPIN, 0);
        nest(a, b, s);
        w.declareOrder("tcbinfo", "inp");
        w.bless("so_snd", "so_rcv", "one buffer each");
    }

    @Test
    void showWitnessText() {
        graph();
        String me = Thread.currentThread().getName();
        assertEquals("witness: show witness (5 classes, 4 edges)\n"
                + "  class callout (spin, flags none)\n"
                + "  class inp (mutex, flags none)\n"
                + "  class so_rcv (mutex, flags none)\n"
                + "  class so_snd (mutex, flags none)\n"
                + "  class tcbinfo (mutex, flags none)\n"
                + "  inp -> callout (EE), learned in thread \"" + me + "\" at @\n"
                + "  inp -> so_rcv (EE), learned in thread \"" + me + "\" at @\n"
                + "  so_rcv -> callout (EE), learned in thread \"" + me + "\" at @\n"
                + "  tcbinfo -> inp (EE,ES,SE,SS), declared in order [tcbinfo, inp] by code at @\n"
                + "  blessed so_rcv so_snd: one buffer each\n", Texts.noFrames(w.showWitness()));
    }

    @Test
    void showWitnessListsTheReportedPairs() {
        graph();
        nest(FakeLock.mutex(w, "so_rcv"), FakeLock.mutex(w, "inp"));
        String shown = Texts.noFrames(w.showWitness());
        assertTrue(shown.endsWith("  blessed so_rcv so_snd: one buffer each\n  reported inp <-> so_rcv\n"), shown);
    }

    @Test
    void showWitnessDotIsValidGraphviz() throws Exception {
        graph();
        String dot = w.showWitnessDot();
        assertTrue(dot.contains("  \"inp\" -> \"so_rcv\" [label=\"EE\"];\n"), dot);
        assertTrue(dot.contains("  \"tcbinfo\" -> \"inp\" [label=\"EE,ES,SE,SS\", style=bold];\n"), dot);
        assertTrue(dot.contains("  \"so_rcv\" -> \"so_snd\" [dir=both, style=dotted, color=blue, label=\"blessed: one buffer each\"];\n"), dot);
        Process p = new ProcessBuilder("dot", "-Tsvg").redirectErrorStream(true).start();
        p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        String svg = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), svg);
        assertTrue(svg.contains("<title>inp&#45;&gt;so_rcv</title>"), svg);
    }

    @Test
    void reportJsonParsesAndCarriesTheSameFacts() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        nest(a, b);
        nest(b, a);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> j = (java.util.Map<String, Object>) Json.parse(w.reports().get(0).toJson());
        assertEquals("LOCK_ORDER_REVERSAL", j.get("kind"));
        assertEquals(java.util.List.of("b", "a"), j.get("classes"));
        assertEquals(java.util.List.of("b", "a", "b"), j.get("cycle"));
        assertEquals(java.util.List.of("thread 1 holds b (exclusive) and wants a (exclusive)",
                "thread 2 holds a (exclusive) and wants b (exclusive)"), j.get("interleaving"));
        assertEquals("{class=b, kind=mutex, mode=exclusive}", j.get("while_holding").toString());
    }
}
