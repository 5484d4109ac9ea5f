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

/** A flood of datagrams to a closed port draws at most 200 port unreachables a second (RFC 1812 4.3.2.8). */
@ExtendWith(WitnessExtension.class)
class IcmpRateLimitTest {
    private static final int US = 0x0a000002;
    private static final int PEER = 0x0a000001;

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"GIANT", "FINE"})
    void icmpErrorsAreRateLimited(LockMode mode) {
        ManualClock clock = new ManualClock();
        try (Hosts h = new Hosts()) {
            Stack host = h.host(StackConfig.defaults("limited").withMode(mode).withScheduler(clock));
            SimNic nic = Hosts.nic(host, "em0", "10.0.0.2/24");
            h.start();
            for (int i = 0; i < 250; i++) {
                Hosts.injectIp(host, nic, Frames.ipv4(PEER, US, 17, 64, 0, i, Frames.udp(PEER, US, 1000, 9, new byte[4])));
                if (i % 100 == 99) h.settle();
            }
            h.settle();
            assertEquals("PORT_UNREACHABLE_SENT=200 ERRORS_RATE_LIMITED=50", host.icmpStats().nonZero(),
                    "a burst of 200, then nothing while the clock stands still");
            clock.advance(10_000_000L);
            Hosts.injectIp(host, nic, Frames.ipv4(PEER, US, 17, 64, 0, 999, Frames.udp(PEER, US, 1000, 9, new byte[4])));
            Hosts.injectIp(host, nic, Frames.ipv4(PEER, US, 17, 64, 0, 998, Frames.udp(PEER, US, 1000, 9, new byte[4])));
            Hosts.injectIp(host, nic, Frames.ipv4(PEER, US, 17, 64, 0, 997, Frames.udp(PEER, US, 1000, 9, new byte[4])));
            h.settle();
            assertEquals("PORT_UNREACHABLE_SENT=202 ERRORS_RATE_LIMITED=51", host.icmpStats().nonZero(),
                    "10 ms later: two more (one per 5 ms)");
        }
    }
}
