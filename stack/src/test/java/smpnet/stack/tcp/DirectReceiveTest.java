package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static smpnet.stack.StackAsserts.assertNoMbufsInUse;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.dev.Wire;
import smpnet.stack.internal.net.DirectReceive;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Direct receive ({@code net.link.rx_direct}): with it on, the writer and the reader hand up the frames their
 * socket calls sent to the other host themselves (the exchange runs to completion in their threads), in every
 * locking mode, with and without offloads; every byte arrives in order, every frame carried is received once,
 * no lock order is broken (the witness extension fails the test on a reversal; in giant mode the two hosts'
 * threads draining each other's rings under their own Giant deadlocked before the drain dropped it), and no
 * mbuf is left. With it off, no frame goes up outside the interrupt threads.
 */
@ExtendWith(WitnessExtension.class)
class DirectReceiveTest {
    private static final int BYTES = 1_000_000;

    @ParameterizedTest(name = "{0} offload={1} rx_direct={2}")
    @CsvSource({"FINE,false,1", "GIANT,false,1", "GIANT_OVER_FINE,false,1", "FINE,true,1", "GIANT,true,1",
            "FINE,false,0", "GIANT,true,0"})
    void senderAndReaderHandUpTheirOwnFrames(LockMode mode, boolean offload, int rxDirect) throws Exception {
        Stack a = Stack.create(StackConfig.defaults("a").withMode(mode));
        Stack b = Stack.create(StackConfig.defaults("b").withMode(mode));
        try {
            NicConfig nc = offload ? NicConfig.of(1).withTso(true).withLro(true) : NicConfig.of(1);
            SimNic na = a.addNic("em0", "10.0.0.1/24", nc);
            SimNic nb = b.addNic("em0", "10.0.0.2/24", nc);
            Wire wire = Wire.connect(na, nb, MbufTransfer.HANDOFF);
            for (Stack s : new Stack[] {a, b}) s.sysctl("net.link.rx_direct", rxDirect);
            assertEquals(rxDirect == 1, na.receiveDirect());
            a.start();
            b.start();
            byte[] up = TcpTwoHostsTest.pattern(BYTES, 7);
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 80)).listen(5);
            lis.setReceiveTimeout(Duration.ofSeconds(20));
            TcpSocket c = a.openTcp().setReceiveTimeout(Duration.ofSeconds(20)).setSendTimeout(Duration.ofSeconds(20));
            c.connect(new InetSocketAddress("10.0.0.2", 80));
            TcpSocket s = lis.accept().setReceiveTimeout(Duration.ofSeconds(20));
            // accept returns while b's interrupt thread may still have the handshake's last ACK out as a batch;
            // a ring whose thread has a batch out is not claimed, and the writer's first segments, the ones it
            // must hand up itself, would go to that thread. Once both hosts are quiet, every ring is idle.
            a.quiesce();
            b.quiesce();
            AtomicLong byWriter = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                long before = DirectReceive.drainedByCurrentThread();
                try {
                    for (int off = 0; off < up.length; off += 65536) {
                        int n = Math.min(65536, up.length - off);
                        assertEquals(n, c.write(up, off, n));
                    }
                    c.close();
                } catch (Throwable e) {
                    failed.set(e);
                }
                byWriter.set(DirectReceive.drainedByCurrentThread() - before);
            }, "writer");
            long readerBefore = DirectReceive.drainedByCurrentThread();
            writer.start();
            byte[] got = TcpTwoHostsTest.readAll(s, up.length);
            long byReader = DirectReceive.drainedByCurrentThread() - readerBefore;
            writer.join();
            assertEquals(null, failed.get());
            assertArrayEquals(up, got);
            assertEquals(-1, s.read(new byte[1]));
            s.close();
            lis.close();
            for (int i = 0; i < 3; i++) {
                a.quiesce();
                b.quiesce();
            }
            if (rxDirect == 1) {
                // the writer hands up at least the first segments' frames (the receiver's rings are idle, above)
                // and the ACKs they bring back; the reader, the window updates' path back
                assertTrue(byWriter.get() > 0, "writer handed up " + byWriter.get());
            } else {
                assertEquals(0, byWriter.get());
                assertEquals(0, byReader);
            }
            // every frame sent was received once, whichever thread handed it up (the wire counts a TSO packet
            // once, the NICs its frames)
            assertEquals(na.counters().outPackets(), nb.counters().inPackets());
            assertEquals(nb.counters().outPackets(), na.counters().inPackets());
            if (!offload) {
                assertEquals(wire.carriedAtoB(), nb.counters().inPackets());
                assertEquals(wire.carriedBtoA(), na.counters().inPackets());
                assertEquals(a.tcpStats().get(TcpStat.SNDTOTAL) + arpSent(a), wire.carriedAtoB());
            }
            assertEquals(BYTES, a.tcpStats().get(TcpStat.SNDBYTE));
            assertEquals(0, a.tcpStats().get(TcpStat.SNDREXMITPACK), a.tcpStats().nonZero());
            assertNoMbufsInUse(a, b);
        } finally {
            a.close();
            b.close();
        }
    }

    private static long arpSent(Stack s) {
        return s.arpStats().get(ArpStat.REQUESTS_SENT) + s.arpStats().get(ArpStat.REPLIES_SENT);
    }
}
