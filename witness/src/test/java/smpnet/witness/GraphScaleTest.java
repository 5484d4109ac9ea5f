package smpnet.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The order graph is sparse: memory linear in edges, a cycle search bounded by what it visits. A child JVM
 * with a 256 MB heap learns 100,000 lock classes with 10 edges each (one class per lock, nested between five
 * shared outer classes and five shared inner ones, as "one name per lock" adapters produce) within 60 s of
 * CPU time (about 10 s on an idle 2-core machine).
 * The dense graph this replaced ran out of memory at 20,000 such classes with twice that heap.
 */
class GraphScaleTest {
    static final int NAMES = 100_000;
    static final int SHARED = 5;

    @Test
    void hundredThousandClassesWithTenEdgesEachFitIn256MegabytesAndAreLearnedWithinAMinute() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GraphScaleTest.class.getName()))
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "child still running after 90 s:\n" + out);
        assertEquals(0, p.exitValue(), out);
        // edges: name i after each outer and before each inner, plus outer->outer, outer->inner, inner->inner
        int fixed = SHARED * (SHARED - 1) / 2 * 2 + SHARED * SHARED;
        assertTrue(out.contains("edges " + (NAMES * 2 * SHARED + fixed) + " reports 0"), out);
        // CPU time of the learning thread: on a shared machine the wall clock measures the other tenants
        long millis = Long.parseLong(out.replaceAll("(?s).*cpuMillis (\\d+).*", "$1"));
        assertTrue(millis < 60_000, "learning took " + millis + " ms of CPU:\n" + out);
    }

    /** The child: learns the graph with the heap the parent gave it, prints what it learned and how fast. */
    public static void main(String[] args) {
        Witness w = Witness.newInstanceForTesting();
        w.setPolicy(Policy.COUNT);
        FakeLock[] outer = new FakeLock[SHARED];
        FakeLock[] inner = new FakeLock[SHARED];
        for (int k = 0; k < SHARED; k++) {
            outer[k] = FakeLock.mutex(w, "outer" + k);
            inner[k] = FakeLock.mutex(w, "inner" + k);
        }
        long start = System.nanoTime();
        long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (int i = 0; i < NAMES; i++) {
            FakeLock name = FakeLock.mutex(w, "name" + i);
            for (FakeLock o : outer) {
                o.lock();
            }
            name.lock();
            for (FakeLock in : inner) {
                in.lock();
            }
            for (int k = SHARED - 1; k >= 0; k--) {
                inner[k].unlock();
            }
            name.unlock();
            for (int k = SHARED - 1; k >= 0; k--) {
                outer[k].unlock();
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.println("edges " + w.orderCount() + " reports " + w.reportCount() + " millis " + millis + " cpuMillis " + cpuMillis
                + " heapUsedMB " + (rt.totalMemory() - rt.freeMemory()) / (1 << 20));
    }
}
