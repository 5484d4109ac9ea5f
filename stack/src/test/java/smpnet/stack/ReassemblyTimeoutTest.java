package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import smpnet.stack.locks.LockMode;
import smpnet.stack.dev.SimNic;
import smpnet.stack.testing.Frames;
import smpnet.stack.testing.ManualClock;
import smpnet.witness.junit.WitnessExtension;

/**
 * A datagram whose fragments never all arrive is given up after 30 s of the host's clock, and the sender
 * hears "time exceeded in reassembly" (RFC 792 code 1) only if its first fragment came (RFC 1122 3.3.2).
 */
@ExtendWith(WitnessExtension.class)
class ReassemblyTimeoutTest {
    private static final int US = 0x0a000002;
    private static final int PEER = 0x0a000001;

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"GIANT", "FINE"})
    void timeoutSendsTimeExceededForAFirstFragment(LockMode mode) {
        ManualClock clock = new ManualClock();
        try (Hosts h = new Hosts()) {
            Stack host = h.host(StackConfig.defaults("frag").withMode(mode).withScheduler(clock));
            SimNic nic = Hosts.nic(host, "em0", "10.0.0.2/24");
            h.start();
            Hosts.injectIp(host, nic, Frames.ipv4(PEER, US, 17, 64, 0x2000, 1, new byte[64]));
            Hosts.injectIp(host, nic, Frames.ipv4(PEER, US, 17, 64, 0x2000 | 8, 2, new byte[64]));
            h.settle();
            assertEquals(2, host.reassemblyPending());
            clock.advance(29_000_000_000L);
            assertEquals(2, host.reassemblyPending());
            clock.advance(1_000_000_000L);
            h.settle();
            assertEquals(0, host.reassemblyPending());
            assertEquals("RECEIVED=2 FRAGMENTS_RECEIVED=2 FRAGMENTS_HELD=2 FRAGMENTS_TIMED_OUT=2 SENT=1", host.ipStats().nonZero());
            assertEquals("TIME_EXCEEDED_SENT=1", host.icmpStats().nonZero());
            assertEquals("REQUESTS_SENT=1 HELD=1", host.arpStats().nonZero(), "the error waits for the peer's MAC");
        }
    }
}
