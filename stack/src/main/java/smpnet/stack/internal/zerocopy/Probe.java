package smpnet.stack.internal.zerocopy;

import java.util.function.Supplier;

/**
 * A back-end's check of whether it runs here, made once, at the first question: the reason it cannot, or
 * null. Locking key: {@code done} and {@code reason} are guarded by this probe's monitor.
 */
final class Probe {
    private final Supplier<String> check;
    private boolean done;
    private String reason;

    Probe(Supplier<String> check) { this.check = check; }

    synchronized String reason() {
        if (!done) {
            reason = check.get();
            done = true;
        }
        return reason;
    }
}
