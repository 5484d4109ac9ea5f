package smpnet.lectures.demo;

import java.util.concurrent.CountDownLatch;

/** Lets a demo's threads start their measured work at one moment, so that none gets a head start. */
final class StartGate {
    private StartGate() {}

    /** Waits for {@code go}; an interrupt ends the wait early and stays pending. */
    static void await(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
