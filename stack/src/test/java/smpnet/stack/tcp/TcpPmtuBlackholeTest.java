package smpnet.stack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.stack.locks.LockMode;
import smpnet.witness.junit.WitnessExtension;

/**
 * PMTU black-hole detection's sysctls (net.inet.tcp.pmtud_blackhole_detection and _mss): FreeBSD's defaults,
 * and the bounds they take. What the detection does is specified by the packetdrill scripts
 * {@code pmtud-blackhole/*.pkt} and {@code udp-tunnel/pmtud-blackhole-*.pkt}.
 */
@ExtendWith(WitnessExtension.class)
class TcpPmtuBlackholeTest {
    @Test
    void theSysctlsAndTheirBounds() {
        TcpSim.run(5, LockMode.FINE, TcpSim.CLEAN, (a, b, link) -> {
            assertEquals(0, a.sysctl("net.inet.tcp.pmtud_blackhole_detection"));
            assertEquals(1200, a.sysctl("net.inet.tcp.pmtud_blackhole_mss"));
            a.sysctl("net.inet.tcp.pmtud_blackhole_detection", 3);
            assertEquals(3, a.sysctl("net.inet.tcp.pmtud_blackhole_detection"));
            assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.pmtud_blackhole_detection", 4));
            assertThrows(IllegalArgumentException.class, () -> a.sysctl("net.inet.tcp.pmtud_blackhole_mss", 87));
            a.sysctl("net.inet.tcp.pmtud_blackhole_mss", 1400);
            assertEquals(1400, a.sysctl("net.inet.tcp.pmtud_blackhole_mss"));
        });
    }
}
