package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import smpnet.stack.internal.os.NetNamespace;
import smpnet.stack.testing.TapTests;

/**
 * {@link NetNamespace#enter} moves the calling thread alone: its sockets are the namespace's, other threads
 * stay where they were, and {@link NetNamespace#enterOwn} brings it back. Needs root, as the TAP tests do.
 */
class NetNamespaceEnterTest {
    private static final Path THREAD_NS = Path.of("/proc/thread-self/ns/net");

    @Test
    void aThreadEntersAloneAndComesBack() throws Exception {
        TapTests.requireTap();
        String own = Files.readSymbolicLink(THREAD_NS).toString();
        try (NetNamespace ns = NetNamespace.create()) {
            ns.ipIn("link", "set", "dev", "lo", "up");
            ServerSocketChannel listener;
            String inside;
            Thread[] other = new Thread[1];
            String[] otherNs = new String[1];
            ns.enter();
            try {
                inside = Files.readSymbolicLink(THREAD_NS).toString();
                listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                // a thread started here begins in the namespace too
                other[0] = new Thread(() -> {
                    try {
                        otherNs[0] = Files.readSymbolicLink(THREAD_NS).toString();
                    } catch (IOException e) {
                        otherNs[0] = e.toString();
                    }
                });
                other[0].start();
                other[0].join();
            } finally {
                NetNamespace.enterOwn();
            }
            assertNotEquals(own, inside);
            assertEquals(inside, otherNs[0]);
            assertEquals(own, Files.readSymbolicLink(THREAD_NS).toString(), "back in the process's namespace");
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (listener) {
                // The listener stays in the namespace: its port is closed in ours, open from inside.
                assertThrows(ConnectException.class, () -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)).close());
                ns.enter();
                SocketChannel c;
                try {
                    c = SocketChannel.open();
                } finally {
                    NetNamespace.enterOwn();
                }
                try (c) {
                    c.connect(new InetSocketAddress("127.0.0.1", port));
                    try (SocketChannel accepted = listener.accept()) {
                        assertEquals(c.getLocalAddress(), accepted.getRemoteAddress());
                    }
                }
            }
        }
    }
}
