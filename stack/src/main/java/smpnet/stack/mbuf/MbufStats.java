package smpnet.stack.mbuf;

/**
 * The memory statistics of one allocator, printed like FreeBSD's {@code netstat -m}: one block per zone
 * with items in use, cached per CPU, free in the pool, created, the limit, failures and sleeps.
 */
public record MbufStats(String allocator, ZoneStats mbufs, ZoneStats clusters) {
    @Override
    public String toString() {
        return "mbuf memory of " + allocator + ":\n" + mbufs + clusters;
    }
}
