package smpnet.labs.eventloop;

import java.time.Duration;
import java.util.List;
import smpnet.stack.Stack;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.UdpSocket;

/**
 * A UDP echo server on one thread: one event queue watches every socket, and the thread echoes what the
 * ready sockets hold (README.md).
 *
 * <p>Locking key: no shared state; everything here belongs to the one serving thread.
 */
final class EventLoopServer implements EchoServer {
    /** The longest the loop may wait in poll before it looks at the shutdown flag. */
    private static final Duration TICK = Duration.ofMillis(20);

    @Override
    public void serve(Stack host, List<UdpSocket> sockets, Shutdown shutdown) throws Exception {
        EventQueue kq = host.newEventQueue();
        // TODO: register every socket with kq, then, in the loop below, echo what each ready socket holds.
        while (!shutdown.requested()) {
            kq.poll(1, TICK);
        }
    }
}
