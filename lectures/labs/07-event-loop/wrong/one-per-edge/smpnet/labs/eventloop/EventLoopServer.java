package smpnet.labs.eventloop;

import java.time.Duration;
import java.util.List;
import smpnet.stack.Stack;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.Datagram;
import smpnet.stack.socket.UdpSocket;

/**
 * A UDP echo server on one thread: one event queue watches every socket, and the thread echoes what the
 * ready sockets hold.
 *
 * <p>The sockets are made non-blocking: the loop must never sleep anywhere but in {@link EventQueue#poll},
 * where any socket's input wakes it. Interest is edge-triggered, so each arrival is
 * reported once, and each event is answered with one receive.
 *
 * <p>Locking key: no shared state; everything here belongs to the one serving thread.
 */
final class EventLoopServer implements EchoServer {
    /** The longest the loop may wait in poll before it looks at the shutdown flag. */
    private static final Duration TICK = Duration.ofMillis(20);

    @Override
    public void serve(Stack host, List<UdpSocket> sockets, Shutdown shutdown) throws Exception {
        EventQueue kq = host.newEventQueue();
        for (UdpSocket s : sockets) {
            s.configureBlocking(false);
            kq.register(s, EventQueue.READ, true, s);     // edge-triggered: one event per arrival
        }
        try {
            while (!shutdown.requested()) {
                for (EventQueue.Event e : kq.poll(sockets.size(), TICK)) {
                    UdpSocket s = (UdpSocket) e.attachment();
                    Datagram d = s.receiveFrom();            // one event, one datagram
                    if (d != null) {
                        s.sendTo(d.data(), d.source());
                    }
                }
            }
        } finally {
            for (UdpSocket s : sockets) {
                kq.deregister(s);
            }
        }
    }
}
