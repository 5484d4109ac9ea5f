package smpnet.stack.internal.tcp;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import smpnet.witness.testing.TestSettings;

/**
 * TCP Fast Open's client cookie cache is linearizable: connections storing cookies for paths of one bucket
 * at once (one bucket of at most two entries, so stores also push entries out) lose no store and never leave
 * a bucket no order of the calls could have left, against the cache itself run sequentially. Paths differ
 * by server port; a cookie is one byte standing for its value. Model checking explores the interleavings
 * of the compare-and-set retry loop (a plain write in its place loses a store, and this test says so). {@code
 * -Dsmpnet.lincheck=long} runs a larger search.
 */
@Param(name = "port", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class FastOpenCookieCacheLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    private static final int LIMIT = 2;

    private final FastOpenCookieCache cache = new FastOpenCookieCache(1, 42);

    /** A SYN-ACK brought cookie {@code value} for the path to server port {@code port}. */
    @Operation
    public void store(@Param(name = "port") int port, @Param(name = "value") int value) {
        cache.store(new FastOpenCookieCache.Entry(1, 2, port, 1460, new byte[] {(byte) value},
                FastOpenCookieCache.NOT_DISABLED), LIMIT);
    }

    /** The cookie cached for the path, 0 if none. */
    public int lookup(@Param(name = "port") int port) {
        FastOpenCookieCache.Entry e = cache.lookup(1, 2, port);
        return e == null ? 0 : e.cookie()[0];
    }

    /** The bucket's paths and cookies, the most recent first: {@code port=cookie ...}. */
    @Operation
    public String contents() {
        StringBuilder b = new StringBuilder();
        for (FastOpenCookieCache.Entry e : cache.entries()) b.append(e.fport()).append('=').append(e.cookie()[0]).append(' ');
        return b.toString();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(LONG ? 100 : 6).invocationsPerIteration(LONG ? 5000 : 40)
                .threads(2).actorsPerThread(LONG ? 3 : 2).actorsBefore(0).actorsAfter(1).check(getClass());
    }
}
