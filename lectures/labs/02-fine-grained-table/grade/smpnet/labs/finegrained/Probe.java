package smpnet.labs.finegrained;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The grader's hook inside {@link Flow#addLocked}: it can stop one thread in the middle of updating one
 * flow, with whatever locks the table's code took for it still held, and see what other threads can do
 * meanwhile.
 */
final class Probe {
    private static volatile int stopFlow = -1;
    private static volatile CountDownLatch entered;
    private static volatile CountDownLatch release;

    private Probe() {}

    /** The next update of {@code flow} stops inside until {@link #release()}. */
    static void stopInside(int flow) {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        stopFlow = flow;
    }

    /** Waits until the stopped update is inside; false after {@code millis}. */
    static boolean awaitInside(long millis) throws InterruptedException {
        return entered.await(millis, TimeUnit.MILLISECONDS);
    }

    static void release() {
        stopFlow = -1;
        release.countDown();
    }

    static void inside(int flow) {
        if (flow != stopFlow) {
            return;
        }
        stopFlow = -1;
        entered.countDown();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the grader never released flow " + flow);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
