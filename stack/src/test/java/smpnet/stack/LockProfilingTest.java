package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.locking.LockProfiler;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.UdpSocket;
import smpnet.witness.junit.WitnessExtension;

/**
 * Lock profiling of a UDP exchange in each mode: in giant mode every protocol acquisition is an
 * acquisition of Giant; in fine mode the inventory's classes appear one by one and Giant not at all.
 */
@ExtendWith(WitnessExtension.class)
class LockProfilingTest {
    @AfterEach
    void off() {
        LockProfiler.setMode(LockProfiler.Mode.OFF);
        LockProfiler.reset();
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"GIANT", "FINE"})
    void profileShowsWhereLocksAreTaken(LockMode mode) throws Exception {
        Map<String, Long> byClass = new TreeMap<>();
        String table;
        try (Hosts h = new Hosts()) {
            Stack a = h.host("a", mode);
            Stack b = h.host("b", mode);
            Hosts.wire(Hosts.nic(a, "em0", "10.0.0.1/24"), Hosts.nic(b, "em0", "10.0.0.2/24"));
            h.start();
            try (UdpSocket rx = b.openUdp().bind(5000).setReceiveTimeout(Duration.ofSeconds(20)); UdpSocket tx = a.openUdp()) {
                tx.sendTo(new byte[8], new InetSocketAddress("10.0.0.2", 5000));
                rx.receiveFrom(); // ARP resolved: the profiled part is the steady state
                h.settle();
                LockProfiler.reset();
                LockProfiler.setMode(LockProfiler.Mode.FULL);
                for (int i = 0; i < 100; i++) {
                    tx.sendTo(new byte[8], new InetSocketAddress("10.0.0.2", 5000));
                    rx.receiveFrom();
                }
                h.settle();
                table = LockProfiler.table();
                LockProfiler.setMode(LockProfiler.Mode.OFF);
            }
            if (mode == LockMode.GIANT) {
                assertSame(a.locks().giant(), a.locks().mutex(LockInventory.INP), "one lock for every protocol object");
            }
        }
        for (LockProfiler.SiteStats s : LockProfiler.byClass()) byClass.put(s.lockClass(), s.acquisitions());
        System.out.println(mode + " " + table);
        assertTrue(table.startsWith("lock profile (mode full"), table);
        String classes = String.join(",", byClass.keySet());
        if (mode == LockMode.GIANT) {
            assertEquals("Giant,mbuf_cache,netisr,rxring,sblock,txring", classes.replaceAll(",?(callout|sleepq|kqueue)", ""));
            // Each send and receive call takes Giant once at its entry point; ithreads once per batch of frames,
            // whose size depends on timing, so only the calls give an exact floor.
            assertTrue(byClass.get("Giant") >= 200, "at least one outermost Giant per socket call: " + byClass);
        } else {
            // No if_addr or rtentry: the address list and a route's MTU and use count are read without them.
            // lle and lle_table once, until a sender's first packet after ARP resolved publishes the entry.
            assertEquals("inp,lle,lle_table,mbuf_cache,netisr,rib,rxring,sblock,so_rcv,so_snd,txring,udbinfo",
                    classes.replaceAll(",?(callout|sleepq|kqueue)", ""));
            assertEquals(1, byClass.get("lle_table"), "the ARP table's lock once, then the published resolution");
            assertEquals(200, byClass.get("sblock"), "one send and one receive call per datagram");
            assertEquals(100, byClass.get("udbinfo"), "one pcb lookup per datagram received; the sender is bound");
        }
    }
}
