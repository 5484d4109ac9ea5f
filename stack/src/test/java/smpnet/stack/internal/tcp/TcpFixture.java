package smpnet.stack.internal.tcp;

import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.StackConfig;
import smpnet.stack.internal.icmp.Icmp;
import smpnet.stack.internal.ip.Ipv4;
import smpnet.stack.internal.net.IfIndex;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.socket.TcpState;

/**
 * A host's TCP without the rest of the host running, for tests of TCP's shared structures (the pcb table)
 * that need control blocks but no traffic: no thread is started, and no timer is armed but by the test. The JCStress tests
 * use it too, so it is public and builds only from the stack's main classes.
 */
public final class TcpFixture {
    /** The local port the tests bind. */
    public static final int PORT = 8080;
    private static final int LOCAL_ADDR = 0x0A000001; // 10.0.0.1
    private static final int PEER_ADDR = 0x0A000002; // 10.0.0.2
    /** Each connection's peer port, so that every one has a 4-tuple of its own. */
    private static final java.util.concurrent.atomic.AtomicInteger nextPeerPort = new java.util.concurrent.atomic.AtomicInteger(1024);

    private final Tcp tcp;

    public TcpFixture(LockMode mode) { this(mode, FreeScheduler.INSTANCE); }

    /** As {@link #TcpFixture(LockMode)}, on {@code scheduler}'s clock and timers (the host's callout wheel's). */
    public TcpFixture(LockMode mode, Scheduler scheduler) {
        StackConfig config = StackConfig.defaults("tcp-fixture").withMode(mode);
        StackLocks locks = new StackLocks(mode);
        MbufAllocator alloc = new MbufAllocator(MbufAllocator.Config.defaults("tcp-fixture").withCpus(1).withTracking(false));
        Netisr netisr = new Netisr("tcp-fixture", config.netisr(), locks);
        Ipv4 ip = new Ipv4(locks, scheduler, alloc, netisr, new IfIndex(), false, config.reassembly());
        Icmp icmp = new Icmp(ip.input(), ip.output(), ip.routes(), alloc, scheduler);
        Sysctl.Value maxSockBuf = new Sysctl().addValue("kern.ipc.maxsockbuf", "", 1, Integer.MAX_VALUE, 1 << 21);
        tcp = new Tcp(locks, scheduler, 1, alloc, ip.input(), ip.output(), icmp, new TcpSettings(maxSockBuf), 1);
    }

    /** The TCP itself. */
    Tcp tcp() { return tcp; }

    /** A pcb table of its own with {@code chains} hash chains (the host's has 4096). */
    TcpPcbTable table(int chains) { return new TcpPcbTable(tcp.locks, chains); }

    /** A control block of no socket, in {@code state}. */
    Tcpcb pcb(TcpState state) {
        Tcpcb tp = tcp.newTcpcb(null);
        tp.lock.lock();
        try {
            tp.state = state;
        } finally {
            tp.lock.unlock();
        }
        return tp;
    }

    /**
     * {@code tp}'s socket binds {@link #PORT} of the local address in {@code table}, as tcp_usr_bind: true if
     * the port was free for it. A control block in a connected state then enters the table's hash with a peer
     * of its own, as connect or accept would put it there. (Between the two steps the table holds a bound
     * socket of no address yet, which no bind of the local address with SO_REUSEADDR takes for its own.)
     */
    static boolean bind(TcpPcbTable table, Tcpcb tp, boolean reuse) {
        int p = table.bind(tp, LOCAL_ADDR, PORT, reuse);
        if (p < 0) return false;
        tp.lock.lock();
        try {
            tp.lport = p;
            tp.boundPort = p;
            if (tp.state != TcpState.CLOSED && tp.state != TcpState.LISTEN) entersLocked(table, tp);
        } finally {
            tp.lock.unlock();
        }
        return true;
    }

    /** {@code tp}'s connection on {@link #PORT} enters the table's hash, as accept puts one there (no bind). */
    static void connectionEnters(TcpPcbTable table, Tcpcb tp) {
        tp.lock.lock();
        try {
            tp.lport = PORT;
            entersLocked(table, tp);
        } finally {
            tp.lock.unlock();
        }
    }

    /** Under inp: the connection gets a peer of its own and enters the hash. */
    private static void entersLocked(TcpPcbTable table, Tcpcb tp) {
        tp.laddr = LOCAL_ADDR;
        tp.faddr = PEER_ADDR;
        tp.fport = 1024 + (nextPeerPort.getAndIncrement() & 0x7FFF);
        if (!table.insertLocked(tp)) throw new IllegalStateException("connection already in the hash");
    }

    /** {@code tp}'s connection ends (the pcb table's part of tcp_close). */
    static void connectionEnds(TcpPcbTable table, Tcpcb tp) {
        tp.lock.lock();
        try {
            table.removeLocked(tp);
        } finally {
            tp.lock.unlock();
        }
    }
}
