package smpnet.outside;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;

/**
 * Two hosts on a wire built exactly as README.md's first example builds them (a in fine mode with two
 * deferred netisr workers, b in Giant mode), from public types only. Closing closes both hosts.
 */
final class TwoHosts implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final InetSocketAddress B7000 = new InetSocketAddress("10.0.0.2", 7000);

    final Stack a;
    final Stack b;
    final SimNic na;
    final SimNic nb;

    TwoHosts() {
        a = Stack.create(StackConfig.defaults("a").withMode(LockMode.FINE)
                .withNetisr(2, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE));
        b = Stack.create(StackConfig.defaults("b").withMode(LockMode.GIANT));
        na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(2));
        nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(2));
        Wire.connect(na, nb);
    }

    TwoHosts start() {
        a.start();
        b.start();
        return this;
    }

    /** A listener on b's port 7000, blocking calls bounded by {@link #WAIT}. */
    TcpSocket listen() throws SocketError {
        return b.openTcp().setReceiveTimeout(WAIT).bind(B7000).listen(4);
    }

    /** A connection a -> b:7000 accepted on {@code lis}: {client, server}. */
    TcpSocket[] connect(TcpSocket lis) throws SocketError {
        TcpSocket c = a.openTcp().setReceiveTimeout(WAIT);
        c.connect(B7000);
        return new TcpSocket[] {c, lis.accept().setReceiveTimeout(WAIT)};
    }

    /** Starts both hosts and returns a connection a -> b:7000: {client, server}. */
    TcpSocket[] startAndConnect() throws SocketError {
        start();
        return connect(listen());
    }

    void quiesce() {
        for (int i = 0; i < 3; i++) {
            a.quiesce();
            b.quiesce();
        }
    }

    /** Both hosts quiet, neither holds an mbuf (checked before they close; the leak extension checks after). */
    void assertNothingHeld() {
        quiesce();
        assertEquals(0, a.allocator().outstanding(), "mbufs a still holds");
        assertEquals(0, b.allocator().outstanding(), "mbufs b still holds");
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
