package smpnet.stack.stats;

import java.util.EnumMap;
import java.util.Map;
import smpnet.stack.internal.stats.CpuCounters;

/**
 * The counters of one protocol of one host, like a section of {@code netstat -s}: one counter per enum
 * constant, kept per CPU ({@link CpuCounters}) as FreeBSD's counter(9) is, so counting takes no lock
 * and moves no cache line between workers. Each constant's {@code toString()} is its human description.
 *
 * @param <E> the protocol's counter names
 */
public final class Counters<E extends Enum<E>> {
    private final String protocol;
    private final Class<E> type;
    private final CpuCounters values;

    public Counters(String protocol, Class<E> type) {
        this.protocol = protocol;
        this.type = type;
        this.values = new CpuCounters(type.getEnumConstants().length);
    }

    public String protocol() { return protocol; }

    public void increment(E counter) { values.increment(counter.ordinal()); }

    public void add(E counter, long n) { values.add(counter.ordinal(), n); }

    public long get(E counter) { return values.sum(counter.ordinal()); }

    /** A snapshot of every counter, in declaration order. */
    public Map<E, Long> snapshot() {
        Map<E, Long> m = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) m.put(e, get(e));
        return m;
    }

    /** Only the counters that are not zero, as "name=value" pairs (handy in test failure messages). */
    public String nonZero() {
        StringBuilder b = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            long v = get(e);
            if (v != 0) b.append(b.isEmpty() ? "" : " ").append(e.name()).append('=').append(v);
        }
        return b.toString();
    }

    /** The netstat -s style section: the protocol name, then one "\t<value> <description>" line per counter. */
    public String format() {
        StringBuilder b = new StringBuilder(protocol).append(":\n");
        for (E e : type.getEnumConstants()) b.append('\t').append(get(e)).append(' ').append(e).append('\n');
        return b.toString();
    }
}
