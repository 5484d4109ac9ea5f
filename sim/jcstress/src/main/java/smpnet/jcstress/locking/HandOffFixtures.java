package smpnet.jcstress.locking;

import java.util.function.BooleanSupplier;

/**
 * Fairness by hand-off: the first actor holds the lock until it sees the second one queued (or gives up
 * waiting), releases it, and at once asks for it again. For the spin mutex, if it saw a waiter, the lock
 * went to that waiter first, so on re-entry the first actor must find the second one's write: (saw
 * waiter, write missing) = (1, 0) is forbidden. The sleep mutex lets the releaser barge once, and must
 * hand off after the woken waiter lost (see {@link HandOffOnMutexStress}). For the sx and rw locks the
 * first actor holds and retakes them shared and the second one is a writer: the last reader hands the lock
 * to the queued writer (writer preference).
 */
final class HandOffFixtures {
    static final int PATIENCE = 20_000;

    private HandOffFixtures() {}

    /** Spins until {@code waiting} or out of patience; 1 if a waiter was seen. */
    static int sawWaiter(BooleanSupplier waiting) {
        for (int i = 0; i < PATIENCE; i++) {
            if (waiting.getAsBoolean()) return 1;
            Thread.onSpinWait();
        }
        return 0;
    }
}
