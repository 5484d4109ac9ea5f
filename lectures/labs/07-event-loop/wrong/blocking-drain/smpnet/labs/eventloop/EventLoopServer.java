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
 * <p>A ready socket is drained: the loop receives until the socket has nothing more to give.
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
            kq.register(s, EventQueue.READ, false, s);
        }
        try {
            while (!shutdown.requested()) {
                for (EventQueue.Event e : kq.poll(sockets.size(), TICK)) {
                    UdpSocket s = (UdpSocket) e.attachment();
                    for (Datagram d = s.receiveFrom(); d != null; d = s.receiveFrom()) {
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
