package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.socket.Ping;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/** Packets a host sends to its own address loop back through netisr and never reach the wire. */
@ExtendWith(WitnessExtension.class)
class OwnAddressTest {
    @ParameterizedTest
    @EnumSource(LockMode.class)
    void udpAndPingToOurselves(LockMode mode) throws Exception {
        for (DispatchPolicy dispatch : DispatchPolicy.values()) {
            try (Hosts h = new Hosts()) {
                Stack a = h.host(StackConfig.defaults("self").withMode(mode).withNetisr(1, dispatch, PlacementPolicy.SOURCE));
                Hosts.nic(a, "em0", "10.0.0.1/24");
                h.start();
                try (UdpSocket rx = a.openUdp().bind(5000).setReceiveTimeout(Duration.ofSeconds(20)); UdpSocket tx = a.openUdp().bind(5001)) {
                    tx.sendTo("me".getBytes(), new InetSocketAddress("10.0.0.1", 5000));
                    assertEquals("me", rx.receiveFrom().text());
                }
                Ping.Result p = a.ping("10.0.0.1", 2, Duration.ZERO, Duration.ofSeconds(20));
                assertEquals("2 packets transmitted, 2 received, 0% packet loss", p.summary().lines().findFirst().orElseThrow());
                h.settle();
                assertEquals("RECEIVED=5 DELIVERED=5 SENT=5 LOOPED=5", a.ipStats().nonZero(), dispatch + ": 1 datagram, 2 requests, 2 replies");
                assertEquals(0, a.etherStats().get(smpnet.stack.stats.EtherStat.SENT), "nothing went on the wire");
            }
        }
    }
}
