package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.witness.OrderReversalTest.nest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export and import of the learned order (text and JSON), and order files with declarations and blessings. */
class OrderFileTest {
    private Witness w;

    @BeforeEach
    void fresh() {
        w = FakeLock.countingWitness();
    }

    private void learnSome() {
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.of(w, "b", LockKind.SLEEPABLE, LockFlags.RECURSABLE | LockFlags.DUPOK);
        FakeLock c = FakeLock.of(w, "c", LockKind.SPIN, 0);
        nest(b, a, c);
        b.lockShared();
        a.lock();
        a.unlock();
        b.unlockShared();
        w.declareOrder("x", "y");
        w.bless("p", "q", "both are only taken by the single admin thread");
    }

    private static String withoutComments(String text) {
        return text.replaceAll("  #[^\n]*", "");
    }

    @Test
    void textExportIsExact() {
        learnSome();
        assertEquals("# smpnet witness order v1\n"
                + "class a mutex none\n"
                + "class b sleepable RECURSABLE,DUPOK\n"
                + "class c spin none\n"
                + "class p mutex none\n"
                + "class q mutex none\n"
                + "class x mutex none\n"
                + "class y mutex none\n"
                + "order x y\n"
                + "bless p q both are only taken by the single admin thread\n"
                + "edge a c EE\n"
                + "edge b a EE,SE\n"
                + "edge b c EE\n", withoutComments(w.exportText()));
        assertTrue(w.exportText().contains("edge a c EE  # learned in thread \"" + Thread.currentThread().getName()
                + "\" at smpnet.witness.OrderReversalTest.nest(OrderReversalTest.java:"), w.exportText());
    }

    @Test
    void textRoundTrip() {
        learnSome();
        Witness copy = Witness.newInstanceForTesting();
        copy.importText(w.exportText(), "baseline.txt");
        assertEquals(withoutComments(w.exportText()), withoutComments(copy.exportText()));
        assertEquals(0, copy.reportCount());
        assertTrue(copy.exportText().contains("edge a c EE  # imported from baseline.txt:"), copy.exportText());
    }

    @Test
    void jsonRoundTrip() {
        learnSome();
        Witness copy = Witness.newInstanceForTesting();
        copy.importJson(w.exportJson(), "baseline.json");
        assertEquals(withoutComments(w.exportText()), withoutComments(copy.exportText()));
        assertTrue(w.exportJson().startsWith("{\"format\":\"smpnet-witness-order\",\"version\":1,\"classes\":[{\"name\":\"a\",\"kind\":\"mutex\",\"flags\":\"none\"},"),
                w.exportJson());
    }

    @Test
    void reversalOfAnImportedOrderIsReportedWithItsSource() {
        Witness copy = Witness.newInstanceForTesting();
        copy.setPolicy(Policy.COUNT);
        copy.importText("class a mutex none\nclass b mutex none\nedge a b EE\n", "reviewed.txt");
        nest(FakeLock.mutex(copy, "b"), FakeLock.mutex(copy, "a"));
        assertTrue(Texts.noFrames(copy.reports().get(0).text()).contains("  edge a -> b (EE), imported from reviewed.txt:3:\n    (no stack)\n"),
                copy.reports().get(0).text());
    }

    @Test
    void newEdgesBeyondTheBaselineAreFlaggedWhenAsked() {
        w.importText("edge a b EE\n", "reviewed.txt");
        w.setReportNewOrders(true);
        FakeLock a = FakeLock.mutex(w, "a");
        FakeLock b = FakeLock.mutex(w, "b");
        FakeLock c = FakeLock.mutex(w, "c");
        nest(a, b);
        assertEquals(0, w.reportCount());
        nest(a, c);
        Report r = w.reports().get(0);
        assertEquals(ReportKind.NEW_ORDER, r.kind());
        assertTrue(r.text().contains("  new edge: a -> c (EE)\n"), r.text());
    }

    @Test
    void orderFileWithDeclarationsAndBlessings(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("smpnet.order");
        Files.write(f, ("# the stack's order\n"
                + "order sblock inp so_rcv\n"
                + "\n"
                + "bless so_snd so_rcv sosend and soreceive take one buffer each\n").getBytes(StandardCharsets.UTF_8));
        w.loadOrderFile(f);
        nest(FakeLock.mutex(w, "so_rcv"), FakeLock.mutex(w, "so_snd"));
        nest(FakeLock.mutex(w, "so_snd"), FakeLock.mutex(w, "so_rcv"));
        assertEquals(0, w.reportCount());
        nest(FakeLock.mutex(w, "so_rcv"), FakeLock.mutex(w, "inp"));
        Report r = w.reports().get(0);
        assertEquals(ReportKind.DECLARED_ORDER_VIOLATION, r.kind());
        assertTrue(r.text().contains("  edge inp -> so_rcv (EE,ES,SE,SS), declared in order [sblock, inp, so_rcv] at smpnet.order:2:\n"
                + "    (no stack)\n"), r.text());
    }

    @Test
    void badLinesNameFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.importText("order a b\nedge a\n", "bad.txt"));
        assertEquals("bad.txt:2: expected: edge <from> <to> <EE,ES,SE,SS>: edge a", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.importText("lock a b\n", "bad.txt"));
        assertEquals("bad.txt:1: unknown keyword 'lock' (expected class, order, bless or edge): lock a b", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.importText("edge a b XY\n", "bad.txt"));
        assertEquals("bad.txt:1: bad edge type 'XY' (expected EE, ES, SE or SS): edge a b XY", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.importText("bless a b\n", "bad.txt"));
        assertEquals("bad.txt:1: expected: bless <class> <class> <reason...>: bless a b", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.importJson("{\"format\":\"smpnet-witness-order\",\"edges\":[{\"from\":1}]}", "bad.json"));
        assertTrue(e.getMessage().startsWith("bad.json: \"from\" must be a string"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> w.importJson("{\"format\":", "bad.json"));
        assertEquals("bad JSON at offset 10: unexpected end", e.getMessage());
    }
}
