package smpnet.stack.internal.route;

import smpnet.locking.ExclusiveLock;
import java.util.concurrent.atomic.LongAdder;

/**
 * One route (FreeBSD's rtentry): a prefix, the interface to send on, and a gateway (0 for a directly
 * connected network, where the destination itself is the next hop).
 *
 * <p>Locking key: the key fields are final; {@code mtu} is lowered while the route is in use, under the
 * route's own {@code rtentry} lock (below {@code rib} in the order), and read without it (volatile), as
 * FreeBSD reads {@code nh_mtu}; {@code uses} is a counter each sender adds to without a lock (FreeBSD's
 * per-CPU {@code nh_pksent}), exact once the senders have stopped.
 *
 * @param <I> the stack's interface type
 */
public final class Route<I> {
    private final int prefix;
    private final int length;
    private final int gateway;
    private final I iface;
    private final ExclusiveLock lock;
    private final LongAdder uses = new LongAdder();
    /** Written under {@code rtentry}, read without it. */
    private volatile int mtu;

    Route(int prefix, int length, int gateway, I iface, int mtu, ExclusiveLock lock) {
        this.prefix = prefix;
        this.length = length;
        this.gateway = gateway;
        this.iface = iface;
        this.mtu = mtu;
        this.lock = lock;
    }

    public int prefix() { return prefix; }

    public int prefixLength() { return length; }

    public int gateway() { return gateway; }

    public I iface() { return iface; }

    /** The address to resolve on the link: the gateway, or {@code dst} itself on a connected network. */
    public int nextHop(int dst) { return gateway == 0 ? dst : gateway; }

    /** The route's MTU, without counting a use. */
    public int mtu() { return mtu; }

    /** Counts one use and returns the route's MTU. */
    public int use() {
        uses.increment();
        return mtu;
    }

    public long uses() { return uses.sum(); }

    /** Lowers the route's MTU (path MTU discovery, RFC 1191 6.3); never raises it. */
    public void lowerMtu(int newMtu) {
        lock.lock();
        try {
            if (newMtu < mtu) mtu = newMtu;
        } finally {
            lock.unlock();
        }
    }

    static int mask(int length) { return length == 0 ? 0 : -1 << (32 - length); }

    @Override
    public String toString() {
        return smpnet.stack.internal.wire.Ipv4Header.addressToString(prefix) + "/" + length
                + (gateway == 0 ? " link" : " via " + smpnet.stack.internal.wire.Ipv4Header.addressToString(gateway))
                + " dev " + iface;
    }
}
