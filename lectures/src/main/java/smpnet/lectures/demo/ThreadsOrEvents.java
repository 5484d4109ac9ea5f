package smpnet.lectures.demo;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.socket.UdpSocket;

/**
 * Lecture 6: two ways to serve many sockets. Four sockets of one host each receive 100 datagrams over lo0:
 * first one blocked thread per socket (each sleeps in its socket's receive buffer until input wakes it),
 * then one thread and an {@link EventQueue} (which sleeps on the queue until any socket becomes readable,
 * then drains the ready ones without blocking).
 */
public final class ThreadsOrEvents {
    private static final int SOCKETS = 4;
    private static final int EACH = 100;

    private ThreadsOrEvents() {}

    public static void run(PrintStream out) throws Exception {
        try (Stack host = Stack.create(StackConfig.defaults("demo"))) {
            host.start();
            UdpSocket[] rx = new UdpSocket[SOCKETS];
            for (int i = 0; i < SOCKETS; i++) {
                rx[i] = host.openUdp().bind(5000 + i).setReceiveBuffer(1 << 20, 1).setReceiveTimeout(Duration.ofSeconds(10));
            }
            try (UdpSocket tx = host.openUdp()) {
                AtomicIntegerArray got = new AtomicIntegerArray(SOCKETS);
                Thread[] threads = new Thread[SOCKETS];
                for (int i = 0; i < SOCKETS; i++) {
                    int s = i;
                    threads[i] = Thread.ofPlatform().name("receiver-" + i).start(() -> {
                        byte[] buf = new byte[64];
                        try {
                            for (int n = 0; n < EACH; n++) {
                                rx[s].receive(buf);      // sleeps in Socket.takeLocked until appendAndWake
                                got.incrementAndGet(s);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                send(tx);
                for (Thread t : threads) {
                    t.join();
                }
                out.println("threads: " + SOCKETS + " threads, one blocked in each socket; received " + got);

                EventQueue kq = host.newEventQueue();
                for (int i = 0; i < SOCKETS; i++) {
                    rx[i].configureBlocking(false);
                    kq.register(rx[i], EventQueue.READ, false, i);
                }
                send(tx);
                int[] count = new int[SOCKETS];
                byte[] buf = new byte[64];
                int total = 0;
                while (total < SOCKETS * EACH) {
                    for (EventQueue.Event e : kq.poll(SOCKETS, Duration.ofSeconds(10))) {
                        int s = (Integer) e.attachment();
                        while (rx[s].receive(buf) >= 0) {     // non-blocking: drain what is there, then -1
                            count[s]++;
                            total++;
                        }
                    }
                }
                out.println("events:  1 thread, one event queue over " + kq.size() + " sockets; received "
                        + Arrays.toString(count));
            } finally {
                for (UdpSocket s : rx) {
                    s.close();
                }
            }
        }
    }

    private static void send(UdpSocket tx) throws Exception {
        byte[] data = new byte[32];
        for (int n = 0; n < EACH; n++) {
            for (int i = 0; i < SOCKETS; i++) {
                tx.sendTo(data, new InetSocketAddress("127.0.0.1", 5000 + i));
            }
        }
    }
}
