package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.Wire;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Many concurrent connections through one listener, opened and closed for several cycles on free-running
 * threads: every connection carries a byte each way, all are open at once, and after each cycle (TIME_WAIT
 * shortened through net.inet.tcp.msl, see {@link #timeWaitMsl}) no connection, control block, timer or SYN
 * cache entry is left. By default 2,000 connections for 2 cycles; {@code -Dsmpnet.tcp.connections=10000
 * -Dsmpnet.tcp.cycles=10} is the scale run, which also checks the heap after a GC at the last cycle
 * against the second.
 */
@ExtendWith(WitnessExtension.class)
class TcpManyConnectionsTest {
    private static final int CONNECTIONS = Integer.getInteger("smpnet.tcp.connections", 2000);
    private static final int CYCLES = Integer.getInteger("smpnet.tcp.cycles", 2);
    private static final int CONNECTORS = 4;

    /**
     * The MSL (ms) the run shortens TIME_WAIT to (2·MSL): long enough to outlast the server's FIN retransmission
     * timer, as TIME_WAIT is meant to (RFC 9293 3.6: the active closer stays to acknowledge a FIN whose ACK was
     * lost). Shorter, a FIN retransmitted after a lost final ACK finds no connection and can only be answered by
     * a RST to a closed port, and those are limited to 200 a second per host (badport_bandlim, as FreeBSD):
     * when thousands of connections close in one burst, the bursts overflow the simulated NIC rings, thousands
     * of final ACKs are lost, and the server's LAST_ACKs, backing off, wait minutes for their turn. The RTO is
     * at least 230 ms (rexmit_min + rexmit_slop) and grows with the queueing a run's bursts cause (10,000
     * connections closing at once measured a smoothed RTT of half a second and more): hence
     * {@code connections / 10}, at least 200 (TIME_WAIT 0.4 s by default, 2 s at 10,000).
     */
    static int timeWaitMsl(int connections) { return Math.max(200, connections / 10); }

    /** Every mode, or only the one {@code -Dsmpnet.tcp.mode=GIANT_OVER_FINE} names (one scale run per mode). */
    static List<LockMode> modes() {
        String only = System.getProperty("smpnet.tcp.mode");
        return only == null ? List.of(LockMode.values()) : List.of(LockMode.valueOf(only));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void connectionsOpenAndCloseThroughOneListenerLeavingNothingBehind(LockMode mode) throws Exception {
        Stack a = Stack.create(StackConfig.defaults("a").withMode(mode));
        Stack b = Stack.create(StackConfig.defaults("b").withMode(mode));
        long[] heap = new long[CYCLES + 1];
        try {
            Wire.connect(a.addNic("em0", "10.0.0.1/24", NicConfig.of(1).withRingSize(4096)),
                    b.addNic("em0", "10.0.0.2/24", NicConfig.of(1).withRingSize(4096)));
            a.start();
            b.start();
            for (Stack s : List.of(a, b)) s.sysctl("net.inet.tcp.msl", timeWaitMsl(CONNECTIONS));
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 7)).listen(CONNECTIONS);
            lis.setReceiveTimeout(Duration.ofSeconds(30));
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                long t0 = System.nanoTime();
                List<TcpSocket> clients = new ArrayList<>(CONNECTIONS);
                List<TcpSocket> servers = java.util.Collections.synchronizedList(new ArrayList<>(CONNECTIONS));
                // The threads reach the sockets through holders emptied after the cycle: witness remembers every
                // thread it saw, and with it the thread's task, which must not keep a cycle's sockets alive.
                AtomicReference<List<TcpSocket>> serverHolder = new AtomicReference<>(servers);
                Thread acceptor = new Thread(() -> {
                    try {
                        for (int i = 0; i < CONNECTIONS; i++) {
                            serverHolder.get().add(lis.accept().setReceiveTimeout(Duration.ofSeconds(30)));
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                acceptor.start();
                TcpSocket[] opened = new TcpSocket[CONNECTIONS];
                AtomicReference<TcpSocket[]> openedHolder = new AtomicReference<>(opened);
                List<Thread> connectors = new ArrayList<>();
                for (int t = 0; t < CONNECTORS; t++) {
                    int first = t;
                    Thread th = new Thread(() -> {
                        try {
                            for (int i = first; i < CONNECTIONS; i += CONNECTORS) {
                                TcpSocket c = a.openTcp().setReceiveTimeout(Duration.ofSeconds(30));
                                c.connect(new InetSocketAddress("10.0.0.2", 7));
                                openedHolder.get()[i] = c;
                            }
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    th.start();
                    connectors.add(th);
                }
                for (Thread th : connectors) th.join();
                clients.addAll(List.of(opened));
                acceptor.join();
                // accepted in completion order: pair each server socket with its client by port
                java.util.Map<Integer, TcpSocket> byPort = new java.util.HashMap<>();
                for (TcpSocket sv : servers) byPort.put(sv.remoteAddress().getPort(), sv);
                servers.clear();
                for (TcpSocket c : clients) servers.add(byPort.get(c.localAddress().getPort()));
                long t1 = System.nanoTime();
                assertEquals(CONNECTIONS, servers.size());
                assertEquals(CONNECTIONS, a.tcpResources().connections(), "all open at once");
                byte[] one = new byte[1];
                for (int i = 0; i < CONNECTIONS; i++) {
                    clients.get(i).write(new byte[] {(byte) i});
                    assertEquals(1, servers.get(i).read(one));
                    assertEquals((byte) i, one[0]);
                    servers.get(i).write(one);
                }
                for (int i = 0; i < CONNECTIONS; i++) {
                    assertEquals(1, clients.get(i).read(one));
                    clients.get(i).close();
                }
                for (TcpSocket s : servers) {
                    assertEquals(-1, s.read(one));
                    s.close();
                }
                awaitEmpty(a, 0);
                awaitEmpty(b, 1); // the listener's control block stays
                long t2 = System.nanoTime();
                serverHolder.set(null);
                openedHolder.set(null);
                clients.clear();
                servers.clear();
                java.util.Arrays.fill(opened, null);
                // The cycle's threads have ended: witness forgets their state now (it would otherwise do so
                // every 64th new thread), so the heap measures the stack, not witness's list of ended threads.
                smpnet.witness.Witness w = smpnet.witness.Witness.active();
                if (w != null) w.reportDeadThreads();
                if (CYCLES >= 10) { // only the scale run weighs the heap (three full GCs a cycle)
                    heap[cycle] = usedHeapAfterGc();
                    System.out.printf("tcp scale %s cycle %d: open %d ms, transfer and close %d ms, heap after GC %d%n",
                            mode, cycle, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, heap[cycle]);
                }
            }
            lis.close();
            assertEquals((long) CONNECTIONS * CYCLES, b.tcpStats().get(TcpStat.ACCEPTS));
            assertEquals((long) CONNECTIONS * CYCLES, a.tcpStats().get(TcpStat.CONNECTS));
            assertEquals(new Stack.TcpResources(0, 0, 0, 0), b.tcpResources());
            if (CYCLES >= 10) {
                System.out.printf("tcp scale %s: %d connections x %d cycles, heap after GC cycle 2 %d, cycle %d %d%n",
                        mode, CONNECTIONS, CYCLES, heap[2], CYCLES, heap[CYCLES]);
                assertTrue(heap[CYCLES] <= heap[2] * 1.05, "heap grew: cycle 2 " + heap[2] + ", cycle " + CYCLES + " "
                        + heap[CYCLES]);
            }
        } finally {
            a.close();
            b.close();
        }
    }

    /** Waits (real time, bounded) until the host has no connection, pcb, timer or SYN cache entry left. */
    private static void awaitEmpty(Stack s, int listeners) throws InterruptedException {
        Stack.TcpResources none = new Stack.TcpResources(0, listeners, 0, 0);
        for (int i = 0; i < 3000 && !s.tcpResources().equals(none); i++) Thread.sleep(10);
        assertEquals(none, s.tcpResources(), s.name() + ": " + s.tcpStats().nonZero() + " " + s.etherStats().nonZero());
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
