package smpnet.stack.internal.locks;

import java.util.List;
import smpnet.witness.Witness;

/**
 * Loads {@link LockOrder} into the JVM's witness, once per JVM (witness is one per JVM, like a kernel's;
 * every stack instance calls {@link #load()} at start-up and only the first does the work).
 */
public final class WitnessOrderLoader {
    // guarded by WitnessOrderLoader.class
    private static boolean loaded;

    private WitnessOrderLoader() {}

    /**
     * Declares the order to witness; returns false if witness is off. Classes are not registered here: each
     * is registered by the first lock created with it, with that lock's own kind.
     */
    public static synchronized boolean load() {
        Witness w = Witness.active();
        if (w == null) return false;
        if (loaded) return true;
        declare(w);
        loaded = true;
        return true;
    }

    /** True once {@link #load()} declared the order. */
    public static synchronized boolean isLoaded() { return loaded; }

    private static void declare(Witness w) {
        for (List<String> chain : LockOrder.chains()) w.declareOrder(chain.toArray(String[]::new));
    }
}
