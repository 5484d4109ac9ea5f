package smpnet.sim.determ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.Scheduler;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/** UDP over an impaired link loses (and duplicates) exactly what the link's counters and frame record say. */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class ImpairedUdpTest {
    private static final int DATAGRAMS = 400;
    private static final int FRAME = 14 + 20 + 8 + 100;

    @Test
    void udpLosesExactlyWhatTheLinkSaysItLost() {
        DeterministicRun run = DeterministicRun.of(2024);
        int[] received = {0};
        ImpairedLink[] link = new ImpairedLink[1];
        run.spawn("app", () -> {
            Stack a = run.host(StackConfig.defaults("a"));
            Stack b = run.host(StackConfig.defaults("b"));
            link[0] = run.link(a.addNic("em0", "10.0.0.1/24", NicConfig.of(1)), b.addNic("em0", "10.0.0.2/24", NicConfig.of(1)),
                    Impairments.NONE.withLatency(Duration.ofMillis(1), Duration.ZERO).withLoss(0.2).withDuplicate(0.05), 10_000);
            a.start();
            b.start();
            UdpSocket rx = b.openUdp().bind(9).setReceiveTimeout(Duration.ofMillis(50));
            UdpSocket tx = a.openUdp().bind(0);
            InetSocketAddress dst = new InetSocketAddress("10.0.0.2", 9);
            while (true) { // resolve ARP with small frames first (the link may lose those too)
                tx.sendTo(new byte[1], dst);
                try {
                    rx.receiveFrom();
                    break;
                } catch (SocketTimeoutException e) {
                    // lost: again
                }
            }
            for (int i = 0; i < DATAGRAMS; i++) {
                tx.sendTo(new byte[100], dst);
                Scheduler.current().parkNanos("pace", 100_000);
            }
            try {
                while (true) if (rx.receiveFrom().length() == 100) received[0]++;
            } catch (SocketTimeoutException e) {
                // all that will come has come
            }
        });
        run.run();
        long lost = 0;
        long duplicated = 0;
        long frames = 0;
        for (ImpairedLink.FrameRecord f : link[0].frames(true)) {
            if (f.bytes() != FRAME) continue;
            frames++;
            if (f.fates().contains(ImpairedLink.Fate.LOST)) lost++;
            if (f.fates().contains(ImpairedLink.Fate.DUPLICATED)) duplicated++;
        }
        assertEquals(DATAGRAMS, frames);
        assertTrue(lost > 40 && duplicated > 5, "lost " + lost + ", duplicated " + duplicated);
        assertEquals(DATAGRAMS - lost + duplicated, received[0]);
        ImpairedLink.Counters c = link[0].counters(true);
        assertEquals(0, c.inFlight());
        assertEquals(c.frames() - c.lost() + c.duplicated(), c.delivered());
    }

    @Test
    void onFreeThreadsTheLinkDelaysByTheRealClock() throws InterruptedException {
        FreeRun run = new FreeRun(5);
        long[] took = {0};
        run.spawn("app", () -> {
            Stack a = run.host(StackConfig.defaults("a"));
            Stack b = run.host(StackConfig.defaults("b"));
            run.link(a.addNic("em0", "10.0.0.1/24", NicConfig.of(1)), b.addNic("em0", "10.0.0.2/24", NicConfig.of(1)),
                    Impairments.NONE.withLatency(Duration.ofMillis(30), Duration.ZERO));
            a.start();
            b.start();
            UdpSocket rx = b.openUdp().bind(9).setReceiveTimeout(Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            a.openUdp().sendTo(new byte[8], new InetSocketAddress("10.0.0.2", 9));
            rx.receiveFrom();
            took[0] = System.nanoTime() - t0;
        });
        run.run();
        // ARP request, ARP reply, then the datagram: three crossings of 30 ms each.
        assertTrue(took[0] >= 90_000_000L, "took " + took[0] + " ns");
    }
}
