package smpnet.sim.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The lines a child JVM prints on its standard output to report to the parent, one record per line:
 * <pre>
 *   @warmup wall=NANOS                                                           the warm-up's length
 *   @run generated=G received=R dropped=D wall=NANOS cpu=NANOS latency=BASE64   one measured run
 *   @lock class=NAME acquisitions=A contended=C wait=NANOS hold=NANOS          one profiled lock class
 *   @end generated=G received=R dropped=D                                      the settled accounting
 * </pre>
 * Every other line is passed through as the child's own output. Lock class names contain no spaces.
 */
final class ChildProtocol {
    static final String RUN = "@run";
    static final String LOCK = "@lock";
    static final String END = "@end";
    static final String WARMUP = "@warmup";

    private ChildProtocol() {}

    static String run(RunSample s, Histogram latency) {
        return RUN + " " + tally(s.tally()) + " wall=" + s.wallNanos() + " cpu=" + s.cpuNanos()
                + " latency=" + encode(latency);
    }

    static String lock(LockContention c) {
        return LOCK + " class=" + c.lockClass().replace(' ', '_') + " acquisitions=" + c.acquisitions()
                + " contended=" + c.contended() + " wait=" + c.waitNanos() + " hold=" + c.holdNanos();
    }

    static String warmup(long wallNanos) {
        return WARMUP + " wall=" + wallNanos;
    }

    /** The warm-up's length from a {@link #WARMUP} record's fields. */
    static long parseWarmup(Map<String, String> f) {
        return num(f, "wall");
    }

    static String end(Tally t) {
        return END + " " + tally(t);
    }

    private static String tally(Tally t) {
        return "generated=" + t.generated() + " received=" + t.received() + " dropped=" + t.dropped();
    }

    /** The record type of a line ({@link #WARMUP}, {@link #RUN}, {@link #LOCK}, {@link #END}), or null. */
    static String kind(String line) {
        for (String k : new String[] {WARMUP, RUN, LOCK, END}) {
            if (line.startsWith(k + " ")) return k;
        }
        return null;
    }

    /** The {@code key=value} fields of a record line. */
    static Map<String, String> fields(String line) {
        Map<String, String> out = new HashMap<>();
        for (String part : line.substring(line.indexOf(' ') + 1).split(" ")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("malformed field '" + part + "' in: " + line);
            out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }

    static RunSample parseRun(Map<String, String> f) {
        return new RunSample(parseTally(f), num(f, "wall"), num(f, "cpu"));
    }

    static Tally parseTally(Map<String, String> f) {
        return new Tally(num(f, "generated"), num(f, "received"), num(f, "dropped"));
    }

    static LockContention parseLock(Map<String, String> f) {
        return new LockContention(f.get("class"), num(f, "acquisitions"), num(f, "contended"), num(f, "wait"),
                num(f, "hold"));
    }

    private static long num(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) throw new IllegalArgumentException("missing field " + key);
        return Long.parseLong(v);
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(String text) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("bad latency histogram", e);
        }
    }
}
