package smpnet.lectures.demo;

import java.io.PrintStream;
import smpnet.locking.Mutex;

/**
 * Lecture 8: the first pitfall of timing Java code. The same work (500,000 lock, add, unlock on an
 * uncontended mutex) is timed eight times in a row in one JVM: the first batches run while the JIT is still
 * compiling, and the later ones differ among themselves too. A figure is the median of warmed-up batches,
 * printed with its spread, never the first number a loop printed.
 */
public final class Warmup {
    private static final int OPS = 500_000;
    private static final int BATCHES = 8;

    private Warmup() {}

    public static void run(PrintStream out) {
        Mutex m = new Mutex("demo_warmup");
        long[] sink = new long[1];
        double[] ns = new double[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < OPS; i++) {
                m.lock();
                sink[0] += i;           // a result someone reads: the JIT may not drop the loop
                m.unlock();
            }
            ns[b] = (System.nanoTime() - start) / (double) OPS;
        }
        StringBuilder line = new StringBuilder();
        for (int b = 0; b < BATCHES; b++) {
            line.append(String.format(" %.1f", ns[b]));
        }
        out.println("ns per lock+add+unlock, batch by batch:" + line);
        out.printf("first batch over the last: %.1fx; checksum %d%n", ns[0] / ns[BATCHES - 1], sink[0]);
    }
}
