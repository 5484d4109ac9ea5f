package smpnet.witness.agent;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map keyed by object identity that does not keep its keys alive: which lock class a
 * {@code java.util.concurrent} lock or a JDK object used as a monitor belongs to. {@code equals} and
 * {@code hashCode} of the keys are never called (an ArrayList's hash changes with its contents).
 *
 * <p>Locking key: the map is a ConcurrentHashMap; the reference queue is thread-safe.
 */
final class IdentityWeakMap<V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();

    /** A stored key: weak, hashed and compared by identity. */
    private static final class WeakKey extends WeakReference<Object> {
        private final int hash;

        WeakKey(Object referent, ReferenceQueue<Object> q) {
            super(referent, q);
            hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() { return hash; }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            Object mine = get();
            return mine != null && (o instanceof WeakKey ? ((WeakKey) o).get() == mine : o instanceof LookupKey && ((LookupKey) o).referent == mine);
        }
    }

    /** A short-lived key for lookups: strong, no queue. */
    private static final class LookupKey {
        final Object referent;

        LookupKey(Object referent) { this.referent = referent; }

        @Override
        public int hashCode() { return System.identityHashCode(referent); }

        @Override
        public boolean equals(Object o) { return o instanceof WeakKey && ((WeakKey) o).get() == referent; }
    }

    V get(Object key) {
        return map.get(new LookupKey(key));
    }

    /** The value already stored for {@code key}, or {@code value} after storing it. */
    V putIfAbsent(Object key, V value) {
        expunge();
        V old = map.putIfAbsent(new WeakKey(key, cleared), value);
        return old != null ? old : value;
    }

    int size() { return map.size(); }

    private void expunge() {
        for (Object r; (r = cleared.poll()) != null; ) {
            map.remove(r);
        }
    }
}
