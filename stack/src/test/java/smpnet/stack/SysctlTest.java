package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.dev.SimNic;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/**
 * The per-host sysctl registry: every name with its default, each write taking effect while the host runs,
 * and an unknown name, a read-only name or a bad value refused with a message that names the setting.
 */
@ExtendWith(WitnessExtension.class)
class SysctlTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everySettingIsListedWithItsDefault() {
        try (Hosts h = new Hosts()) {
            Stack s = h.host("s", LockMode.FINE);
            assertEquals("""
                    kern.ipc.maxsockbuf: 2097152
                    net.inet.ip.forwarding: 0
                    net.inet.ip.maxfragpackets: 256
                    net.inet.ip.maxfragsperpacket: 16
                    net.inet.ip.portrange.first: 49152
                    net.inet.ip.portrange.last: 65535
                    net.inet.tcp.ack_war_cnt: 5
                    net.inet.tcp.ack_war_timewindow: 1000
                    net.inet.tcp.always_keepalive: 1
                    net.inet.tcp.blackhole: 0
                    net.inet.tcp.cc.algorithm: cubic
                    net.inet.tcp.delacktime: 40
                    net.inet.tcp.delayed_ack: 1
                    net.inet.tcp.drop_synfin: 0
                    net.inet.tcp.ecn.enable: 2
                    net.inet.tcp.ecn.maxretries: 1
                    net.inet.tcp.fastopen.acceptany: 0
                    net.inet.tcp.fastopen.autokey: 120
                    net.inet.tcp.fastopen.ccache_bucket_limit: 16
                    net.inet.tcp.fastopen.ccache_buckets: 2048
                    net.inet.tcp.fastopen.client_enable: 1
                    net.inet.tcp.fastopen.keylen: 16
                    net.inet.tcp.fastopen.maxkeys: 2
                    net.inet.tcp.fastopen.maxpsks: 2
                    net.inet.tcp.fastopen.numkeys: 0
                    net.inet.tcp.fastopen.numpsks: 0
                    net.inet.tcp.fastopen.path_disable_time: 900
                    net.inet.tcp.fastopen.psk_enable: 0
                    net.inet.tcp.fastopen.server_enable: 0
                    net.inet.tcp.fastopen.setkey: write-only
                    net.inet.tcp.fastopen.setpsk: write-only
                    net.inet.tcp.finwait2_timeout: 60000
                    net.inet.tcp.hostcache.purgenow: 0
                    net.inet.tcp.icmp_may_rst: 1
                    net.inet.tcp.initcwnd_segments: 10
                    net.inet.tcp.insecure_rst: 0
                    net.inet.tcp.insecure_syn: 0
                    net.inet.tcp.keepcnt: 8
                    net.inet.tcp.keepidle: 7200000
                    net.inet.tcp.keepinit: 75000
                    net.inet.tcp.keepintvl: 75000
                    net.inet.tcp.minmss: 216
                    net.inet.tcp.msl: 30000
                    net.inet.tcp.mssdflt: 536
                    net.inet.tcp.path_mtu_discovery: 1
                    net.inet.tcp.pmtud_blackhole_detection: 0
                    net.inet.tcp.pmtud_blackhole_mss: 1200
                    net.inet.tcp.reass.maxqueuelen: 100
                    net.inet.tcp.reass.maxsegments: 1024
                    net.inet.tcp.recvbuf_auto: 1
                    net.inet.tcp.recvbuf_max: 2097152
                    net.inet.tcp.recvspace: 65536
                    net.inet.tcp.rexmit_drop_options: 0
                    net.inet.tcp.rexmit_initial: 1000
                    net.inet.tcp.rexmit_min: 30
                    net.inet.tcp.rexmit_slop: 200
                    net.inet.tcp.rfc1323: 1
                    net.inet.tcp.sack.enable: 1
                    net.inet.tcp.sack.globalmaxholes: 65536
                    net.inet.tcp.sack.maxholes: 128
                    net.inet.tcp.sendbuf_auto: 1
                    net.inet.tcp.sendbuf_inc: 8192
                    net.inet.tcp.sendbuf_max: 2097152
                    net.inet.tcp.sendspace: 32768
                    net.inet.tcp.syncache.bucketlimit: 30
                    net.inet.tcp.syncache.hashsize: 512
                    net.inet.tcp.syncache.rexmtlimit: 3
                    net.inet.tcp.syncookies: 1
                    net.inet.tcp.syncookies_only: 0
                    net.inet.tcp.tcbhashsize: 4096
                    net.inet.tcp.tolerate_missing_ts: 1
                    net.inet.tcp.tso: 1
                    net.inet.tcp.udp_tunneling_overhead: 8
                    net.inet.tcp.udp_tunneling_port: 0
                    net.inet.udp.maxdgram: 9216
                    net.inet.udp.recvspace: 42080
                    net.isr.maxqlimit: 256
                    net.isr.numthreads: 1
                    net.link.bind_queues: 0
                    net.link.ether.inet.max_age: 1200
                    net.link.ether.inet.maxhold: 16
                    net.link.ether.inet.maxtries: 5
                    net.link.rx_direct: 0
                    net.link.tx_direct: 1
                    """, s.sysctlAll());
        }
    }

    @Test
    void eachWritableSettingReadsBackWhatWasWritten() {
        try (Hosts h = new Hosts()) {
            Stack s = h.host("s", LockMode.FINE);
            String[] names = {"kern.ipc.maxsockbuf", "net.inet.ip.forwarding", "net.inet.ip.maxfragpackets",
                "net.inet.ip.maxfragsperpacket", "net.inet.udp.maxdgram", "net.inet.udp.recvspace",
                "net.link.ether.inet.max_age", "net.link.ether.inet.maxhold", "net.link.ether.inet.maxtries",
                "net.link.tx_direct", "net.inet.tcp.tso", "net.link.rx_direct", "net.link.bind_queues"};
            long[] values = {4096, 1, 3, 4, 1000, 2000, 60, 2, 7, 0, 0, 1, 1};
            for (int i = 0; i < names.length; i++) {
                s.sysctl(names[i], values[i]);
                assertEquals(values[i], s.sysctl(names[i]), names[i]);
            }
        }
    }

    @Test
    void txDirectReachesTheHostsNicsAndThoseAddedLater() {
        try (Hosts h = new Hosts()) {
            Stack s = h.host("s", LockMode.FINE);
            SimNic first = s.addNic("em0", "10.9.0.1/24", smpnet.stack.dev.NicConfig.of(1));
            assertTrue(first.transmitDirect());
            s.sysctl("net.link.tx_direct", 0);
            SimNic second = s.addNic("em1", "10.9.1.1/24", smpnet.stack.dev.NicConfig.of(1));
            assertEquals(java.util.List.of(false, false), java.util.List.of(first.transmitDirect(), second.transmitDirect()));
            s.sysctl("net.link.tx_direct", 1);
            assertEquals(java.util.List.of(true, true), java.util.List.of(first.transmitDirect(), second.transmitDirect()));
        }
    }

    @Test
    void rxDirectReachesTheHostsNicsAndThoseAddedLater() {
        try (Hosts h = new Hosts()) {
            Stack s = h.host("s", LockMode.FINE);
            SimNic first = s.addNic("em0", "10.9.0.1/24", smpnet.stack.dev.NicConfig.of(1));
            assertEquals(false, first.receiveDirect());
            s.sysctl("net.link.rx_direct", 1);
            SimNic second = s.addNic("em1", "10.9.1.1/24", smpnet.stack.dev.NicConfig.of(1));
            assertEquals(java.util.List.of(true, true), java.util.List.of(first.receiveDirect(), second.receiveDirect()));
            s.sysctl("net.link.rx_direct", 0);
            assertEquals(java.util.List.of(false, false), java.util.List.of(first.receiveDirect(), second.receiveDirect()));
        }
    }

    @Test
    void rxDirectAutoIsOnForAHostOfOneCpuOnly() {
        try (Hosts h = new Hosts()) {
            Stack one = h.host(StackConfig.defaults("one").withMode(LockMode.FINE)
                    .withNetisr(1, smpnet.stack.netisr.DispatchPolicy.DIRECT, smpnet.stack.netisr.PlacementPolicy.SOURCE));
            Stack two = h.host(StackConfig.defaults("two").withMode(LockMode.FINE)
                    .withNetisr(2, smpnet.stack.netisr.DispatchPolicy.DIRECT, smpnet.stack.netisr.PlacementPolicy.SOURCE));
            SimNic a = one.addNic("em0", "10.9.0.1/24", smpnet.stack.dev.NicConfig.of(1));
            SimNic b = two.addNic("em0", "10.9.0.2/24", smpnet.stack.dev.NicConfig.of(2));
            for (Stack s : new Stack[] {one, two}) s.sysctl("net.link.rx_direct", 2);
            assertEquals(java.util.List.of(2L, 2L), java.util.List.of(one.sysctl("net.link.rx_direct"), two.sysctl("net.link.rx_direct")));
            assertEquals(java.util.List.of(true, false), java.util.List.of(a.receiveDirect(), b.receiveDirect()));
            SimNic later = two.addNic("em1", "10.9.1.2/24", smpnet.stack.dev.NicConfig.of(2));
            assertEquals(false, later.receiveDirect());
            assertThrows(IllegalArgumentException.class, () -> one.sysctl("net.link.rx_direct", 3));
        }
    }

    @Test
    void bootTimeTunablesAreWritableOnlyBeforeTheHostStarts() {
        try (Hosts h = new Hosts()) {
            Stack s = h.host("s", LockMode.FINE);
            s.sysctl("net.inet.tcp.syncache.hashsize", 1);
            s.sysctl("net.inet.tcp.syncache.bucketlimit", 2);
            s.sysctl("net.inet.tcp.tcbhashsize", 65536);
            h.start();
            assertEquals(65536, s.sysctl("net.inet.tcp.tcbhashsize"));
            assertEquals(1, s.sysctl("net.inet.tcp.syncache.hashsize"));
            assertEquals(2, s.sysctl("net.inet.tcp.syncache.bucketlimit"));
            String readOnly = " is read-only (a boot-time tunable: set it before the host starts)";
            assertEquals("sysctl net.inet.tcp.syncache.hashsize" + readOnly,
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.tcp.syncache.hashsize", 4)).getMessage());
            assertEquals("sysctl net.inet.tcp.tcbhashsize" + readOnly,
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.tcp.tcbhashsize", 4)).getMessage());
            assertEquals("sysctl net.inet.tcp.syncache.bucketlimit" + readOnly,
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.tcp.syncache.bucketlimit", 4)).getMessage());
            assertEquals(1, s.sysctl("net.inet.tcp.syncache.hashsize"));
        }
    }

    @Test
    void unknownNamesReadOnlyNamesAndBadValuesAreRefusedAndChangeNothing() {
        try (Hosts h = new Hosts()) {
            Stack s = h.host("s", LockMode.FINE);
            assertEquals("unknown sysctl net.inet.ip.forwardin",
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.ip.forwardin")).getMessage());
            assertEquals("unknown sysctl net.inet.tcp.nosuchknob",
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.tcp.nosuchknob", 536)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.tcp.cc.algorithm", "vegas"))
                    .getMessage().startsWith("sysctl net.inet.tcp.cc.algorithm: unknown congestion control algorithm \"vegas\""));
            assertEquals("cubic", s.sysctlString("net.inet.tcp.cc.algorithm"));
            s.sysctl("net.inet.tcp.cc.algorithm", "newreno");
            assertEquals("newreno", s.sysctlString("net.inet.tcp.cc.algorithm"));
            assertEquals("sysctl net.inet.tcp.cc.algorithm is a string",
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.tcp.cc.algorithm", 1)).getMessage());
            assertEquals("sysctl net.inet.tcp.ecn.enable: 3 is outside [0, 2]",
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.tcp.ecn.enable", 3)).getMessage());
            assertEquals("sysctl net.isr.numthreads is read-only",
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.isr.numthreads", 2)).getMessage());
            assertEquals("sysctl net.inet.ip.forwarding: 2 is outside [0, 1]",
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.ip.forwarding", 2)).getMessage());
            assertEquals("sysctl net.inet.ip.portrange.first: 0 is outside [1, 65535]",
                    assertThrows(IllegalArgumentException.class, () -> s.sysctl("net.inet.ip.portrange.first", 0)).getMessage());
            assertEquals("sysctl net.inet.ip.portrange.first: ephemeral port range 60000..50000: need 1 <= first <= last"
                            + " <= 65535",
                    assertThrows(IllegalArgumentException.class, () -> {
                        s.sysctl("net.inet.ip.portrange.last", 50000);
                        s.sysctl("net.inet.ip.portrange.first", 60000);
                    }).getMessage());
            assertEquals(49152, s.sysctl("net.inet.ip.portrange.first"));
            assertEquals(50000, s.sysctl("net.inet.ip.portrange.last"));
            assertEquals(0, s.sysctl("net.inet.ip.forwarding"));
        }
    }

    @Test
    void theEphemeralRangeAndTheBufferSettingsApplyToNewSocketsAtOnce() throws Exception {
        try (Hosts h = new Hosts()) {
            Stack s = h.host("s", LockMode.GIANT);
            h.start();
            s.sysctl("net.inet.ip.portrange.first", 50000);
            s.sysctl("net.inet.ip.portrange.last", 50001);
            s.sysctl("net.inet.udp.recvspace", 100);
            s.sysctl("kern.ipc.maxsockbuf", 1000);
            try (UdpSocket a = s.openUdp().bind(0); UdpSocket b = s.openUdp().bind(0); UdpSocket c = s.openUdp()) {
                assertEquals(50000, a.localAddress().getPort());
                assertEquals(50001, b.localAddress().getPort());
                assertThrows(BindException.class, () -> c.bind(0), "the range holds two ports");
                a.configureBlocking(false);
                UdpSocket tx = s.openUdp().bind(7000);
                tx.sendTo(new byte[60], new InetSocketAddress("127.0.0.1", 50000));
                tx.sendTo(new byte[60], new InetSocketAddress("127.0.0.1", 50000)); // 120 > recvspace: dropped
                s.quiesce();
                assertEquals(60, a.receiveQueued());
                assertEquals("1001 bytes is more than kern.ipc.maxsockbuf (1000)",
                        assertThrows(IllegalArgumentException.class, () -> b.setReceiveBuffer(1001, 1)).getMessage());
                b.setReceiveBuffer(1000, 1);
                tx.close();
            }
        }
    }

    @Test
    void forwardingIsSwitchedWhileTheRouterRuns() throws Exception {
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", LockMode.FINE);
            Stack r = h.host("r", LockMode.FINE);
            Stack b = h.host("b", LockMode.FINE);
            SimNic na = Hosts.nic(a, "em0", "10.0.1.1/24");
            SimNic r0 = Hosts.nic(r, "em0", "10.0.1.254/24");
            SimNic r1 = Hosts.nic(r, "em1", "10.0.2.254/24");
            SimNic nb = Hosts.nic(b, "em0", "10.0.2.1/24");
            Hosts.wire(na, r0);
            Hosts.wire(r1, nb);
            a.addRoute("0.0.0.0/0", "10.0.1.254");
            b.addRoute("0.0.0.0/0", "10.0.2.254");
            h.start();
            try (UdpSocket server = b.openUdp().bind(9000).setReceiveTimeout(WAIT); UdpSocket client = a.openUdp()) {
                client.sendTo("dropped".getBytes(), new InetSocketAddress("10.0.2.1", 9000));
                h.settle();
                assertEquals(0, server.receiveQueued());
                assertEquals(1, r.ipStats().get(smpnet.stack.stats.IpStat.NOT_FORWARDING));
                r.sysctl("net.inet.ip.forwarding", 1);
                client.sendTo("routed".getBytes(), new InetSocketAddress("10.0.2.1", 9000));
                assertEquals("routed", server.receiveFrom().text());
                assertEquals(1, r.sysctl("net.inet.ip.forwarding"));
            }
        }
    }
}
