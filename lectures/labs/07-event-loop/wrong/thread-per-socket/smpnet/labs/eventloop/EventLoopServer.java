package smpnet.labs.eventloop;

import java.util.List;
import smpnet.stack.Stack;
import smpnet.stack.socket.UdpSocket;

/**
 * A UDP echo server that serves every socket at once: the bench's thread-per-socket server, one blocked
 * receiver per socket.
 *
 * <p>Locking key: no shared state; each socket belongs to its own thread.
 */
final class EventLoopServer implements EchoServer {
    @Override
    public void serve(Stack host, List<UdpSocket> sockets, Shutdown shutdown) throws Exception {
        new ThreadPerSocketServer().serve(host, sockets, shutdown);
    }
}
