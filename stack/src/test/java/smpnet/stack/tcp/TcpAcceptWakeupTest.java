package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.CondVar;
import smpnet.locking.Schedulers;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.testing.WakeupCounter;
import smpnet.witness.junit.WitnessExtension;

/**
 * Threads blocked in accept on one listener: a completed connection wakes one of them, not all (FreeBSD's
 * wakeup_one on the listen queue), and connections arriving together are each accepted once, none left
 * queued while an acceptor sleeps (accept passes the turn on while connections remain).
 */
@ExtendWith(WitnessExtension.class)
class TcpAcceptWakeupTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 80);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aConnectionWakesOneAcceptorAndABurstIsAcceptedWhole(LockMode mode) throws Exception {
        WakeupCounter counter = new WakeupCounter();
        try (Schedulers.Installation ignored = WakeupCounter.install(counter)) {
            Stack a = Stack.create(StackConfig.defaults("a").withMode(mode));
            Stack b = Stack.create(StackConfig.defaults("b").withMode(mode));
            List<TcpSocket> open = new ArrayList<>();
            try {
                wire(a, b);
                TcpSocket lis = b.openTcp().bind(SERVER).listen(16);
                lis.setReceiveTimeout(WAIT);
                BlockingQueue<TcpSocket> accepted = new LinkedBlockingQueue<>();
                BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
                List<Thread> acceptors = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            accepted.add(lis.accept());
                        } catch (SocketError | RuntimeException e) {
                            failures.add(e);
                        }
                    }, "acceptor-" + i);
                    t.start();
                    acceptors.add(t);
                }
                awaitBlocked(acceptors);
                Map<Thread, Integer> before = new HashMap<>(); // their start's lock hand-offs, if any
                for (Thread t : acceptors) before.put(t, counter.wakeupsOf(t));

                TcpSocket first = connect(a);
                open.add(first);
                TcpSocket s1 = accepted.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(s1, "the connection was accepted");
                open.add(s1);
                assertEquals(first.localAddress().getPort(), s1.remoteAddress().getPort());
                // the acceptors woken, not the wake-ups: the one woken may meet the listener's lock (or Giant)
                // still held by the thread that signalled and be woken once more by its release
                long woken = acceptors.stream().filter(t -> counter.wakeupsOf(t) > before.get(t)).count();
                assertEquals(1, woken, "acceptors woken by one connection");
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (acceptors.stream().filter(Thread::isAlive).count() > 3 && System.nanoTime() < deadline) Thread.sleep(1);
                List<Thread> waiting = acceptors.stream().filter(Thread::isAlive).toList();
                assertEquals(3, waiting.size(), "three acceptors still waiting");
                awaitBlocked(waiting);

                // three connections at once, one for each acceptor still waiting
                BlockingQueue<TcpSocket> clients = new LinkedBlockingQueue<>();
                List<Thread> connectors = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            clients.add(connect(a));
                        } catch (SocketError | RuntimeException e) {
                            failures.add(e);
                        }
                    }, "client-" + i);
                    connectors.add(t);
                }
                connectors.forEach(Thread::start);
                for (Thread t : connectors) t.join(WAIT.toMillis());
                for (Thread t : acceptors) t.join(WAIT.toMillis());
                assertTrue(failures.isEmpty(), () -> "failures: " + failures);
                assertEquals(3, clients.size());
                assertEquals(3, accepted.size(), "every connection of the burst accepted");
                open.addAll(clients);
                open.addAll(accepted);
                Set<Integer> clientPorts = new HashSet<>();
                for (TcpSocket c : clients) clientPorts.add(c.localAddress().getPort());
                Set<Integer> acceptedPorts = new HashSet<>();
                for (TcpSocket s : accepted) acceptedPorts.add(s.remoteAddress().getPort());
                assertEquals(clientPorts, acceptedPorts, "each connection accepted once");
                assertEquals(4, b.tcpStats().get(TcpStat.ACCEPTS));
                for (TcpSocket s : open) s.close();
                lis.close();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void twoAcceptorsTakeEveryConnectionOfABurst(LockMode mode) throws Exception {
        Stack a = Stack.create(StackConfig.defaults("a").withMode(mode));
        Stack b = Stack.create(StackConfig.defaults("b").withMode(mode));
        try {
            wire(a, b);
            TcpSocket lis = b.openTcp().bind(SERVER).listen(16);
            int n = 8;
            BlockingQueue<TcpSocket> accepted = new LinkedBlockingQueue<>();
            BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
            List<Thread> acceptors = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    try {
                        while (true) accepted.add(lis.accept()); // until the listener is closed
                    } catch (SocketError e) {
                        if (accepted.size() < n) failures.add(e);
                    }
                }, "acceptor-" + i);
                t.start();
                acceptors.add(t);
            }
            awaitBlocked(acceptors);
            BlockingQueue<TcpSocket> clients = new LinkedBlockingQueue<>();
            List<Thread> connectors = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                connectors.add(new Thread(() -> {
                    try {
                        clients.add(connect(a));
                    } catch (SocketError | RuntimeException e) {
                        failures.add(e);
                    }
                }, "client-" + i));
            }
            connectors.forEach(Thread::start);
            for (Thread t : connectors) t.join(WAIT.toMillis());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (accepted.size() < n && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(n, accepted.size(), "every connection accepted while connections were queued");
            lis.close(); // wakes the acceptors still waiting: EBADF
            for (Thread t : acceptors) t.join(WAIT.toMillis());
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            Set<Integer> clientPorts = new HashSet<>();
            for (TcpSocket c : clients) clientPorts.add(c.localAddress().getPort());
            Set<Integer> acceptedPorts = new HashSet<>();
            for (TcpSocket s : accepted) acceptedPorts.add(s.remoteAddress().getPort());
            assertEquals(n, clientPorts.size());
            assertEquals(clientPorts, acceptedPorts, "each connection accepted once");
            for (TcpSocket s : clients) s.close();
            for (TcpSocket s : accepted) s.close();
        } finally {
            a.close();
            b.close();
        }
    }

    /** Host a at 10.0.0.1 and b at 10.0.0.2, one NIC each, on one wire, started. */
    private static void wire(Stack a, Stack b) {
        SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
        SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1));
        Wire.connect(na, nb);
        a.start();
        b.start();
    }

    private static TcpSocket connect(Stack a) throws SocketError {
        TcpSocket c = a.openTcp().setReceiveTimeout(WAIT);
        c.connect(SERVER);
        return c;
    }

    /**
     * Waits until every thread of {@code threads} sleeps on a condition variable (accept's wait for a connection,
     * not a lock's queue), 20 seconds at most.
     */
    private static void awaitBlocked(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (Thread t : threads) {
            while (!(LockSupport.getBlocker(t) instanceof CondVar)) {
                if (System.nanoTime() > deadline) throw new AssertionError(t.getName() + " not waiting in accept: " + t.getState());
                Thread.sleep(1);
            }
        }
    }
}
