package smpnet.sim.packetdrill;

import java.net.InetSocketAddress;
import smpnet.sim.determ.Simulation;

/**
 * The host a script drives, as the runner sees it: packets go in through {@link #inject}, packets it sends
 * come out through the {@link Outbound} it was built with, and its sockets are opened by {@link #openTcp}.
 * {@link SmpnetTarget} is an smpnet host; tests build small fakes to prove the runner on its own.
 */
interface Target {
    /** The host's address (packetdrill's local address, 192.168.0.1). */
    int LOCAL_IP = 0xC0A8_0001;
    /** The scripted peer's address (packetdrill's remote address, 192.0.2.1), behind a gateway. */
    int REMOTE_IP = 0xC000_0201;
    /** The gateway between them (its MAC answers for every off-link address). */
    int GATEWAY_IP = 0xC0A8_0002;
    /** The port {@code bind(fd, ..., ...)} binds and {@code connect(fd, ..., ...)} connects to (packetdrill's 8080). */
    int DEFAULT_PORT = 8080;

    /** Where a target puts the IPv4 packets its host sends; called from any of the host's threads. */
    @FunctionalInterface
    interface Outbound {
        void sent(byte[] ipPacket);
    }

    /** Builds a target inside a run (called on the script's thread of the run). */
    @FunctionalInterface
    interface Factory {
        Target create(Simulation sim, Script.Options options, Outbound out) throws Exception;
    }

    /**
     * Starts the host, once, after the script's leading sysctl lines ran: those are its boot-time settings
     * (FreeBSD's loader tunables, read-only once the host runs). Nothing else is called before.
     */
    default void boot() {}

    /** Hands an IPv4 packet to the host as if it had arrived from the peer. */
    void inject(byte[] ipPacket);

    /** Half-open connections in the host's SYN cache (sockstat lists them as SYN_RCVD). */
    default int syncacheEntries() { return 0; }

    /** tcpdrop(8) {@code -s STATE}: drops the host's connections in {@code state}; how many were dropped. */
    default int tcpDrop(smpnet.stack.socket.TcpState state) {
        throw new UnsupportedOperationException("tcpdrop is not supported by this target");
    }

    /** A new TCP socket of the host. */
    ScriptSocket openTcp();

    /** {@code setkey}'s {@code add SRC DST tcp SPI -A tcp-md5 "KEY"}: the host's TCP-MD5 key for segments from src to dst. */
    default void tcpMd5Add(int src, int dst, byte[] key) {
        throw new UnsupportedOperationException("TCP-MD5 keys are not supported by this target");
    }

    /** {@code setkey -F}: removes the host's TCP-MD5 keys. */
    default void tcpMd5Flush() {
        throw new UnsupportedOperationException("TCP-MD5 keys are not supported by this target");
    }

    /**
     * Sets a setting by its sysctl name; an unknown name or a bad value is an {@link IllegalArgumentException}
     * whose message says which.
     */
    void sysctl(String name, String value);

    /** The address {@code connect(fd, ..., ...)} uses: the peer's, port {@link #DEFAULT_PORT}. */
    static InetSocketAddress remote(int port) { return new InetSocketAddress(address(REMOTE_IP), port); }

    /** The address {@code bind(fd, ..., ...)} uses: the host's, port {@link #DEFAULT_PORT}. */
    static InetSocketAddress local(int port) { return new InetSocketAddress(address(LOCAL_IP), port); }

    static String address(int ip) { return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF); }
}
