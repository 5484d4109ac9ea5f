package smpnet.stack.mbuf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import smpnet.locking.GuardedBy;

/**
 * Every allocator of this JVM, weakly, so the leak extension can find them without the stack's help. While a
 * test runs, the allocators it creates are also held strongly, so one the test dropped is still checked.
 *
 * <p>Locking: all state is guarded by the class monitor; allocators are created rarely.
 */
final class LeakRegistry {
    @GuardedBy("LeakRegistry.class")
    private static final Map<MbufAllocator, Boolean> ALL = new WeakHashMap<>();
    /** Open scopes, innermost first (a test may run other tests, e.g. through the JUnit test kit). */
    @GuardedBy("LeakRegistry.class")
    private static final Deque<List<MbufAllocator>> SCOPES = new ArrayDeque<>();

    private LeakRegistry() {}

    static synchronized void register(MbufAllocator a) {
        ALL.put(a, Boolean.TRUE);
        for (List<MbufAllocator> scope : SCOPES) scope.add(a);
    }

    /** Starts holding new allocators strongly; returns the outstanding count of every allocator alive now. */
    static synchronized Map<MbufAllocator, Long> beginScope() {
        SCOPES.push(new ArrayList<>());
        Map<MbufAllocator, Long> baseline = new IdentityHashMap<>();
        for (MbufAllocator a : List.copyOf(ALL.keySet())) baseline.put(a, a.outstanding());
        return baseline;
    }

    /** Stops holding; returns every allocator alive now (including those created in the scope). */
    static synchronized List<MbufAllocator> endScope() {
        List<MbufAllocator> alive = new ArrayList<>(ALL.keySet());
        SCOPES.poll();
        return Collections.unmodifiableList(alive);
    }
}
