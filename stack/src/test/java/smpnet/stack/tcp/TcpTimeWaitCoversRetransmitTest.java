package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.Stack;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * Connections closed as {@link TcpManyConnectionsTest} closes them (the client first, then the server, which
 * waits in LAST_ACK for the ACK of its FIN), over a link that loses a tenth of the client's frames,
 * deterministically from a seed in every mode. A lost final ACK makes the server retransmit its FIN when its
 * retransmit timer fires. With the scale test's TIME_WAIT ({@link TcpManyConnectionsTest#timeWaitMsl}) the
 * client is still in TIME_WAIT then and acknowledges it again: every connection ends with its FIN
 * acknowledged. With TIME_WAIT shorter than the retransmission timeout (the scale test's former 10 ms) the same
 * losses end connections by RSTs, the only answer a closed port has, and those are limited to 200 a second
 * per host: at 10,000 connections that limit left LAST_ACKs waiting for minutes.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpTimeWaitCoversRetransmitTest {
    private static final int CONNECTIONS = 60;
    private static final long SEED = 5;
    /** The client's frames are lost at 10 %, the server's arrive. */
    private static final Impairments CLIENT_LOSSY = TcpSim.CLEAN.withLoss(0.1);

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void aFinRetransmittedAfterALostFinalAckIsAcknowledgedFromTimeWait(LockMode mode) {
        TcpSim.Result r = openExchangeClose(mode, TcpManyConnectionsTest.timeWaitMsl(CONNECTIONS));
        assertTrue(r.b().tcpStats().get(TcpStat.REXMTTIMEO) > 0, "the server retransmitted: " + r.b().tcpStats().nonZero());
        assertEquals(0, r.b().tcpStats().get(TcpStat.DROPS), "a connection ended by a RST: " + r.b().tcpStats().nonZero());
        assertEquals(0, r.a().tcpStats().get(TcpStat.RST_CLOSEDPORT_LIMITED), r.a().tcpStats().nonZero());
        assertEquals(CONNECTIONS, r.b().tcpStats().get(TcpStat.CLOSED) - 1, "every connection and the listener");
    }

    @ParameterizedTest
    @EnumSource(LockMode.class)
    void withTimeWaitShorterThanTheRtoTheSameLossesEndConnectionsByRst(LockMode mode) {
        TcpSim.Result r = openExchangeClose(mode, 5);
        assertTrue(r.b().tcpStats().get(TcpStat.DROPS) > 0, "no connection needed a RST: " + r.b().tcpStats().nonZero());
    }

    /**
     * Opens {@link #CONNECTIONS} connections to a listener on b, carries a byte each way on each, closes every
     * client, then every server, and waits (virtual time, at most a minute) until neither host has a connection.
     */
    private static TcpSim.Result openExchangeClose(LockMode mode, int msl) {
        return TcpSim.run(SEED, mode, CLIENT_LOSSY, TcpSim.CLEAN, (a, b, link) -> {
            for (Stack s : List.of(a, b)) s.sysctl("net.inet.tcp.msl", msl);
            TcpSocket lis = b.openTcp().bind(new InetSocketAddress("10.0.0.2", 7)).listen(CONNECTIONS);
            TcpSocket[] clients = new TcpSocket[CONNECTIONS];
            for (int i = 0; i < CONNECTIONS; i++) {
                clients[i] = a.openTcp().setReceiveTimeout(Duration.ofSeconds(30));
                clients[i].connect(new InetSocketAddress("10.0.0.2", 7));
            }
            // accepted in completion order (a lost ACK delays one): pair each server with its client by port
            Map<Integer, TcpSocket> byPort = new HashMap<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpSocket s = lis.accept().setReceiveTimeout(Duration.ofSeconds(30));
                byPort.put(s.remoteAddress().getPort(), s);
            }
            byte[] one = new byte[1];
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpSocket server = byPort.get(clients[i].localAddress().getPort());
                clients[i].write(new byte[] {(byte) i});
                assertEquals(1, server.read(one));
                assertEquals((byte) i, one[0]);
                server.write(one);
            }
            for (TcpSocket c : clients) {
                assertEquals(1, c.read(one));
                c.close();
            }
            for (TcpSocket s : byPort.values()) {
                assertEquals(-1, s.read(one));
                s.close();
            }
            for (int i = 0; i < 600 && a.tcpResources().connections() + b.tcpResources().connections() > 0; i++) {
                TcpSim.sleep(100);
            }
            assertEquals(0, a.tcpResources().connections(), "a");
            assertEquals(0, b.tcpResources().connections(), "b");
            lis.close();
        });
    }
}
