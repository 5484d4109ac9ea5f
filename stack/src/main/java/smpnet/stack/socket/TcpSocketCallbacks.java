package smpnet.stack.socket;

import smpnet.stack.internal.tcp.StreamBuffer;
import smpnet.stack.internal.tcp.TcpSocketHooks;
import smpnet.stack.internal.tcp.Tcpcb;

/**
 * What TCP calls on one {@link TcpSocket} (the socket's {@link TcpSocketHooks}; FreeBSD's soisconnected,
 * soisdisconnected, socantrcvmore, sorwakeup, sowwakeup and sonewconn): the state changes and wake-ups that
 * come from the protocol, where {@link TcpSocket} holds the calls that come from the application. Each
 * wake-up here is the other end of a sleep in {@link TcpSocket}'s calls (connect, accept, read, write,
 * close's linger) and of the event queues watching the socket.
 *
 * <p>Locking key: TCP calls every method with the connection's {@code inp} held; each takes the socket's
 * so_rcv (and so_snd to wake writers), which come after inp in the declared order, and guard the socket's
 * fields as {@link TcpSocket}'s key says. The watchers are told after the buffer locks are released. A
 * listener's so_rcv is taken under the listener's inp by {@link #newConnectionLocked}, and under its new
 * connection's inp by {@link #enqueueCompleted} (the listener's may be held too: inp is DUPOK).
 */
final class TcpSocketCallbacks implements TcpSocketHooks {
    private final TcpSocket so;

    TcpSocketCallbacks(TcpSocket so) { this.so = so; }

    @Override public StreamBuffer rcv() { return so.rcvStream; }

    @Override public StreamBuffer snd() { return so.sndStream; }

    @Override
    public boolean connectedLocked() {
        TcpSocket listener = so.head;
        so.rcv.lock.lock();
        try {
            // A Fast Open connection was queued on its listener when its SYN came; its handshake ends later
            if (so.connected) return true;
            so.connecting = false;
            so.connected = true;
            so.rcv.cv.broadcast();
            so.readinessChangedLocked();
        } finally {
            so.rcv.lock.unlock();
        }
        so.notifyWatchers();
        return listener == null || enqueueCompleted(listener, so);
    }

    @Override
    public void disconnectedLocked() {
        so.rcv.lock.lock();
        try {
            so.connecting = false;
            so.disconnected = true;
            so.cantRcvMore = true;
            so.cantSendMore = true;
            so.rcv.cv.broadcast();
            so.readinessChangedLocked();
        } finally {
            so.rcv.lock.unlock();
        }
        so.wakeWriters();
        so.notifyWatchers();
    }

    @Override
    public void cantRcvMoreLocked() {
        wakeReaders(true);
    }

    @Override
    public void readableLocked() {
        wakeReaders(false);
    }

    /** Under so_rcv: marks end of stream if asked, wakes sleeping readers and updates readiness; then tells the watchers. */
    private void wakeReaders(boolean endOfStream) {
        so.rcv.lock.lock();
        try {
            if (endOfStream) {
                so.cantRcvMore = true;
                so.rcvStream.setCantMoreLocked();
            }
            so.rcv.cv.broadcast();
            so.readinessChangedLocked();
        } finally {
            so.rcv.lock.unlock();
        }
        so.notifyWatchers();
    }

    @Override
    public void writableLocked() {
        so.wakeWriters();
        so.updateReady();
    }

    @Override
    public void errorBeforeDisconnectLocked(int errno) {
        so.rcv.lock.lock();
        try {
            so.setErrorLocked(errno); // disconnectedLocked, next under the same pcb lock, wakes and notifies
        } finally {
            so.rcv.lock.unlock();
        }
    }

    @Override
    public TcpSocketHooks newConnectionLocked() {
        so.rcv.lock.lock();
        try {
            if (so.noFdRef || !so.listening || so.completed.size() > 3 * so.backlog / 2) return null; // sonewconn's overflow
        } finally {
            so.rcv.lock.unlock();
        }
        return new TcpSocketCallbacks(new TcpSocket(so));
    }

    @Override
    public void pcbCreatedLocked(Tcpcb pcb) {
        so.pcbOfChild = pcb;
        so.rcv.lock.lock();
        try {
            so.connecting = true;
        } finally {
            so.rcv.lock.unlock();
        }
    }

    @Override
    public boolean closedByUserLocked() {
        so.rcv.lock.lock();
        try {
            return so.noFdRef;
        } finally {
            so.rcv.lock.unlock();
        }
    }

    /**
     * A connection completed the handshake: onto its listener's queue (soisconnected's so_comp), under the
     * listener's so_rcv; false if the listener was closed meanwhile.
     */
    private static boolean enqueueCompleted(TcpSocket listener, TcpSocket child) {
        boolean aborted;
        listener.rcv.lock.lock();
        try {
            aborted = listener.noFdRef;
            if (!aborted) {
                listener.completed.addLast(child);
                // One connection, one acceptor (FreeBSD's wakeup_one on the listen queue): waking every
                // thread blocked in accept woke all but one for nothing, each a context switch, and on two
                // CPUs a wake-up across them; accept passes the turn on while connections remain queued.
                listener.rcv.cv.signal();
                listener.readinessChangedLocked();
            }
        } finally {
            listener.rcv.lock.unlock();
        }
        if (!aborted) listener.notifyWatchers();
        return !aborted;
    }
}
