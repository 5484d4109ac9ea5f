package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * The layout {@link CacheLinePadded} relies on, checked on the JVM that runs the tests: the fields written on
 * every acquisition, release or signal lie at least 128 bytes into their object.
 */
class CacheLinePaddedTest {
    @SuppressWarnings({"removal", "deprecation"})
    private static long offset(Class<?> c, String field) throws Exception {
        Field u = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        u.setAccessible(true);
        return ((sun.misc.Unsafe) u.get(null)).objectFieldOffset(c.getDeclaredField(field));
    }

    @Test
    void hotFieldsStartAfterThePadding() throws Exception {
        String[][] hot = {
            {"smpnet.locking.LockBase", "owner"}, {"smpnet.locking.LockBase", "recursion"},
            {"smpnet.locking.Mutex", "state"}, {"smpnet.locking.AbstractSharedLock", "state"},
            {"smpnet.locking.CondVar", "anyQueued"}, {"smpnet.locking.ReadHolds", "head"},
            {"smpnet.locking.ReadHolds$Entry", "count"}, {"smpnet.locking.RmLock", "drainer"},
        };
        for (String[] h : hot) {
            long off = offset(Class.forName(h[0]), h[1]);
            assertTrue(off >= CacheLinePadded.PADDING_BYTES, h[0] + "." + h[1] + " at offset " + off);
        }
    }
}
