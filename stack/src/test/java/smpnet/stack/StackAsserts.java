package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import smpnet.stack.mbuf.MbufStats;

/** Assertions tests make of whole hosts. */
public final class StackAsserts {
    private StackAsserts() {}

    /** No mbuf and no cluster of any of {@code hosts}' allocators is in use (each message names the allocator's stats). */
    public static void assertNoMbufsInUse(Stack... hosts) {
        for (Stack h : hosts) {
            MbufStats m = h.allocator().stats();
            assertEquals(0, m.mbufs().inUse(), m.toString());
            assertEquals(0, m.clusters().inUse(), m.toString());
        }
    }
}
