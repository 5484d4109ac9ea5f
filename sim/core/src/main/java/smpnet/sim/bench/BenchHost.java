package smpnet.sim.bench;

import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.dev.SimNic;

/**
 * What the receive-path workload needs of one smpnet host: its generator NIC, its mbuf allocator, UDP
 * sockets it can drain without blocking, and the sum of every drop the host counted. An adapter over the
 * stack's public API keeps the workload independent of how a host is assembled.
 */
interface BenchHost extends AutoCloseable {
    /** The host's multi-queue NIC, carrying {@link #address()}; its generators are set before {@link #start}. */
    SimNic nic();

    MbufAllocator allocator();

    /** The host's IPv4 address on the NIC. */
    int address();

    /** A UDP socket bound to {@code port} on the host's address. */
    Socket bindUdp(int port) throws Exception;

    /** Starts the NIC's ithreads (and whatever else the host runs). */
    void start();

    /** Packets the host counted as dropped, at any layer (rings, netisr, IP, UDP, socket buffers). */
    long drops();

    /** Stops every thread of the host and frees what it still holds. */
    @Override
    void close();

    /** One socket, as the application sees it. */
    interface Socket {
        /**
         * Receives one datagram without blocking, copying its payload into {@code buf}; returns its length,
         * or -1 if none is waiting.
         */
        int receiveNow(byte[] buf) throws Exception;

        void close();
    }
}
