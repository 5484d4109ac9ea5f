package smpnet.labs.eventloop;

import java.util.List;
import smpnet.stack.Stack;
import smpnet.stack.socket.UdpSocket;

/** A UDP echo server: sends every datagram back to its sender, from the socket it came in on. Part of the bench. */
interface EchoServer {
    /**
     * Serves {@code sockets} (bound, blocking, on {@code host}) until {@code shutdown} is requested, then
     * returns within a few tens of milliseconds. Called on a thread the bench starts for it.
     */
    void serve(Stack host, List<UdpSocket> sockets, Shutdown shutdown) throws Exception;

    /** The bench's request to stop: {@link #requested()} turns true once, and stays true. */
    final class Shutdown {
        private volatile boolean requested;

        /** True once the bench wants the server to return. */
        boolean requested() { return requested; }

        void request() { requested = true; }
    }
}
