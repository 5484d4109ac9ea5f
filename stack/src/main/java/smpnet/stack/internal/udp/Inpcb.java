package smpnet.stack.internal.udp;

import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;

/**
 * A UDP protocol control block (FreeBSD's inpcb): the local and foreign address/port of one socket and
 * the receiver of its datagrams.
 *
 * <p>Locking key: the addresses are written only while holding both {@code udbinfo} exclusive (the hash
 * chains they place the pcb on) and {@code inp}; they are read under either. Input holds {@code udbinfo}
 * shared for the lookup, takes {@code inp}, then releases {@code udbinfo} before delivering.
 */
public final class Inpcb {
    final ExclusiveLock lock;
    final UdpReceiver receiver;
    /** The kernel tunnel its datagrams go to instead of a receiver (udp_set_kernel_tunneling), or null. */
    final Udp.Tunnel tunnel;
    @GuardedBy("udbinfo, inp") int localAddr;
    @GuardedBy("udbinfo, inp") int localPort;
    @GuardedBy("udbinfo, inp") int foreignAddr;
    @GuardedBy("udbinfo, inp") int foreignPort;
    @GuardedBy("udbinfo, inp") boolean detached;

    Inpcb(ExclusiveLock lock, UdpReceiver receiver) { this(lock, receiver, null); }

    Inpcb(ExclusiveLock lock, UdpReceiver receiver, Udp.Tunnel tunnel) {
        this.lock = lock;
        this.receiver = receiver;
        this.tunnel = tunnel;
    }

    boolean isConnected() { return foreignPort != 0; }

    /** Fails unless the caller holds this pcb's {@code inp} lock (what its receiver's calls require). */
    public void assertLocked() { lock.assertOwned(); }

    /** Key of the connected (4-tuple) hash. */
    static long connectedKey(int laddr, int lport, int faddr, int fport) {
        return ((long) laddr * 31 + faddr) * 0x1_0001_0001L + ((long) lport << 16 | fport);
    }
}
