package smpnet.sim.bench.workloads;

import java.io.IOException;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.TcpSocket;

/**
 * Two TCP hosts that the TCP workloads drive, whichever stack they run: two smpnet hosts over a wire
 * ({@link TcpHosts}) or Linux's TCP between two network namespaces over a veth pair ({@link VethHosts}).
 * The workloads' code is the same for both, so both sides are measured by the same loops, checks and
 * counters.
 *
 * <p>Thread use: a thread calls {@link #joinClient} before it opens connections with {@link #connect}, and
 * {@link #leave} when it is done opening them; accepted connections and listeners may be used from any
 * thread. The rest is the harness thread's.
 */
interface TcpNet extends AutoCloseable {
    /** One connection's end, used by one thread at a time. */
    interface Conn extends AutoCloseable {
        /** Writes all {@code len} bytes (blocking); returns {@code len}. */
        int write(byte[] b, int off, int len) throws IOException;

        /** Reads at least one byte (blocking); returns the count, or -1 at end of stream. */
        int read(byte[] b, int off, int len) throws IOException;

        /** Sends a FIN: no more writes. */
        void shutdownOutput() throws IOException;

        /** smpnet's socket under this end, for the zero-copy send; null for Linux's connections. */
        default TcpSocket socket() { return null; }

        @Override
        void close() throws IOException;
    }

    /** A listening socket on the server. */
    interface Listener extends AutoCloseable {
        /** The next connection; an IOException once the listener is closed. */
        Conn accept() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A completion queue of the client host, for the zero-copy send (smpnet's hosts only). */
    default EventQueue newClientEventQueue() {
        throw new UnsupportedOperationException("the zero-copy send is smpnet's");
    }

    /** Starts the hosts (before any connection). */
    void start() throws Exception;

    /**
     * Makes the calling thread open its connections from the client host (a Linux network namespace is an
     * attribute of each thread).
     */
    void joinClient() throws IOException;

    /** Undoes {@link #joinClient} for the calling thread. */
    void leave() throws IOException;

    /** A listener on the server's address, with {@code backlog}. */
    Listener listen(int backlog) throws IOException;

    /**
     * A connection from the client (the calling thread has joined it) to the server's listener, its client send buffer {@code sendBuffer} bytes
     * (0: the stack's default); blocking calls on it time out after {@code timeoutMillis}.
     */
    Conn connect(int sendBuffer, long timeoutMillis) throws IOException;

    /** The hosts' TCP counters that are not zero, for a failure's message. */
    String counters();

    /**
     * Once every socket is closed: waits out the closing side's TIME_WAIT where it must end for the check,
     * then returns what the hosts still hold (connections, pcbs, timers, syncache entries); empty when
     * nothing, or when the stack does not say.
     */
    String leftoversAfterClose() throws InterruptedException;

    @Override
    void close();
}
