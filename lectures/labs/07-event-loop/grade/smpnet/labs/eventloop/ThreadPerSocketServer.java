package smpnet.labs.eventloop;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import smpnet.stack.Stack;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;

/**
 * The server your event loop is compared with: one thread per socket, each blocked in its socket's receive
 * (sleeping in the receive buffer until input wakes it), echoing what it gets. The calling thread serves
 * the first socket; one more thread per other socket. Part of the bench.
 */
final class ThreadPerSocketServer implements EchoServer {
    /** How long a receive sleeps before it looks at the shutdown flag again. */
    private static final Duration TICK = Duration.ofMillis(20);

    @Override
    public void serve(Stack host, List<UdpSocket> sockets, Shutdown shutdown) throws Exception {
        List<Thread> others = new ArrayList<>();
        for (UdpSocket s : sockets.subList(1, sockets.size())) {
            others.add(Thread.ofPlatform().name("echo-" + s.localAddress().getPort()).start(() -> echo(s, shutdown)));
        }
        echo(sockets.getFirst(), shutdown);
        for (Thread t : others) {
            t.join();
        }
    }

    private static void echo(UdpSocket s, Shutdown shutdown) {
        s.setReceiveTimeout(TICK);
        while (!shutdown.requested()) {
            try {
                Datagram d = s.receiveFrom();        // sleeps until a datagram comes, or TICK passes
                s.sendTo(d.data(), d.source());
            } catch (SocketTimeoutException e) {
                // nothing came: look at the shutdown flag, then wait again
            } catch (Exception e) {
                throw new IllegalStateException("echo on " + s + ": " + e, e);
            }
        }
    }
}
