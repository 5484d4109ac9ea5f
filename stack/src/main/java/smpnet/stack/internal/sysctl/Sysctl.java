package smpnet.stack.internal.sysctl;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The per-host registry of settings that may change while the host runs, under FreeBSD's sysctl names
 * ({@code net.inet.ip.forwarding}, {@code kern.ipc.maxsockbuf}, ...): each name is an integer with bounds,
 * read and written through the object that owns it, so the packet path reads its own field and never this
 * registry. Booleans are 0 and 1, as in FreeBSD.
 *
 * <p>Locking key: the map is filled while the host is assembled and only read after (the host's final
 * field publishes it). Writes are serialised on this object's monitor, so that two writes of one setting
 * (or of two settings kept in one record) never interleave; no stack lock is held meanwhile.
 */
public final class Sysctl {
    /** One name: its description, bounds, and how to read and write it ({@code set} null: read-only). */
    private record Oid(String name, String description, long min, long max, LongSupplier get, LongConsumer set,
                       boolean tunable) {}

    /** A string setting (FreeBSD's CTLTYPE_STRING, e.g. net.inet.tcp.cc.algorithm). */
    private record StringOid(String name, String description, Supplier<String> get, Consumer<String> set) {}

    /** A setting no other object owns (a default new sockets read), held here. */
    public static final class Value {
        private volatile long v;

        private Value(long initial) { v = initial; }

        public long get() { return v; }
    }

    private final Map<String, Oid> oids = new TreeMap<>();
    /** The host has started: tunables are read-only. Guarded by this object's monitor. */
    private boolean booted;
    private final Map<String, StringOid> strings = new TreeMap<>();

    /**
     * Adds a writable string setting; {@code set} refuses a bad value with an IllegalArgumentException (the
     * registry names the setting in the message it passes on).
     */
    public void addString(String name, String description, Supplier<String> get, Consumer<String> set) {
        if (oids.containsKey(name) || strings.putIfAbsent(name, new StringOid(name, description, get, set)) != null) {
            throw new IllegalStateException("sysctl " + name + " registered twice");
        }
    }

    /** The value of string setting {@code name}; an unknown or numeric name is an IllegalArgumentException. */
    public String getString(String name) { return stringOid(name).get().get(); }

    /** Sets string setting {@code name}; an unknown name or a refused value is an IllegalArgumentException. */
    public synchronized void setString(String name, String value) {
        StringOid o = stringOid(name);
        try {
            o.set().accept(java.util.Objects.requireNonNull(value, "value"));
        } catch (IllegalArgumentException refused) {
            throw new IllegalArgumentException("sysctl " + name + ": " + refused.getMessage(), refused);
        }
    }

    /** True if {@code name} is a string setting. */
    public boolean isString(String name) { return strings.containsKey(name); }

    private StringOid stringOid(String name) {
        StringOid o = strings.get(java.util.Objects.requireNonNull(name, "sysctl name"));
        if (o == null) {
            throw new IllegalArgumentException(oids.containsKey(name) ? "sysctl " + name + " is not a string"
                    : "unknown sysctl " + name);
        }
        return o;
    }

    /** Adds a writable setting owned elsewhere, read and written through {@code get} and {@code set}. */
    public void add(String name, String description, long min, long max, LongSupplier get, LongConsumer set) {
        put(new Oid(name, description, min, max, get, set, false));
    }

    /**
     * Adds a boot-time tunable (FreeBSD's CTLFLAG_RDTUN, set from loader.conf): writable until {@link #boot},
     * read-only afterwards.
     */
    public void addTunable(String name, String description, long min, long max, LongSupplier get, LongConsumer set) {
        put(new Oid(name, description, min, max, get, java.util.Objects.requireNonNull(set, "set"), true));
    }

    /** The host starts: tunables become read-only. */
    public synchronized void boot() { booted = true; }

    private void put(Oid o) {
        String name = o.name();
        if (strings.containsKey(name) || oids.putIfAbsent(name, o) != null) {
            throw new IllegalStateException("sysctl " + name + " registered twice");
        }
    }

    /** Adds a read-only setting. */
    public void addReadOnly(String name, String description, LongSupplier get) {
        add(name, description, Long.MIN_VALUE, Long.MAX_VALUE, get, null);
    }

    /** Adds a writable setting held by this registry, and returns it for its readers. */
    public Value addValue(String name, String description, long min, long max, long initial) {
        Value v = new Value(initial);
        add(name, description, min, max, v::get, x -> v.v = x);
        return v;
    }

    /** The value of {@code name}; an unknown name is an {@link IllegalArgumentException}. */
    public long get(String name) { return oid(name).get().getAsLong(); }

    /**
     * Sets {@code name} to {@code value}. An unknown name, a read-only setting, or a value outside the
     * setting's bounds (or one its owner refuses) is an {@link IllegalArgumentException} naming the setting,
     * and changes nothing.
     */
    public synchronized void set(String name, long value) {
        Oid o = oid(name);
        if (o.set() == null) throw new IllegalArgumentException("sysctl " + name + " is read-only");
        if (o.tunable() && booted) {
            throw new IllegalArgumentException("sysctl " + name + " is read-only (a boot-time tunable: set it before the host starts)");
        }
        if (value < o.min() || value > o.max()) {
            throw new IllegalArgumentException("sysctl " + name + ": " + value + " is outside [" + o.min() + ", "
                    + o.max() + "]");
        }
        try {
            o.set().accept(value);
        } catch (IllegalArgumentException refused) { // the owner's own rule (first <= last, ...): name the setting
            throw new IllegalArgumentException("sysctl " + name + ": " + refused.getMessage(), refused);
        }
    }

    /** Every name, sorted. */
    public List<String> names() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(oids.keySet());
        all.addAll(strings.keySet());
        return List.copyOf(all);
    }

    /** The description of {@code name}. */
    public String describe(String name) {
        StringOid so = strings.get(name);
        return so != null ? so.description() : oid(name).description();
    }

    /** Every setting as {@code sysctl -a} prints it: "name: value", one a line, sorted by name. */
    public String format() {
        Map<String, String> all = new TreeMap<>();
        for (Oid o : oids.values()) all.put(o.name(), Long.toString(o.get().getAsLong()));
        for (StringOid o : strings.values()) all.put(o.name(), o.get().get());
        StringBuilder b = new StringBuilder();
        all.forEach((n, v) -> b.append(n).append(": ").append(v).append('\n'));
        return b.toString();
    }

    private Oid oid(String name) {
        Oid o = oids.get(java.util.Objects.requireNonNull(name, "sysctl name"));
        if (o == null) {
            throw new IllegalArgumentException(strings.containsKey(name) ? "sysctl " + name + " is a string"
                    : "unknown sysctl " + name);
        }
        return o;
    }
}
