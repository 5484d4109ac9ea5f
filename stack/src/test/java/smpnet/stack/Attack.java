package smpnet.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import smpnet.stack.dev.SimNic;
import smpnet.stack.internal.wire.EthernetHeader;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.Ping;
import smpnet.stack.testing.Frames;

/**
 * Test fixture for hostile input: every locking mode with direct and deferred netisr, a victim host
 * (10.0.0.2/24 on em0) wired to a peer (10.0.0.1) that can ping it, and frames injected on the victim's
 * receive side from a made-up attacker MAC.
 */
final class Attack implements AutoCloseable {
    static final int VICTIM = 0x0a000002;
    static final int PEER = 0x0a000001;
    static final int OTHER = 0x0a000009;
    static final long ATTACKER_MAC = 0x020000000099L;

    final Hosts hosts = new Hosts();
    final Stack victim;
    final SimNic nic;
    final Stack peer;

    /** Every mode: GIANT, FINE and GIANT_OVER_FINE, each with direct and deferred netisr dispatch. */
    static Stream<Arguments> modes() {
        return Stream.of(LockMode.values()).flatMap(m ->
                Stream.of(DispatchPolicy.DIRECT, DispatchPolicy.DEFERRED).map(d -> Arguments.of(m, d)));
    }

    static StackConfig config(String name, LockMode mode, DispatchPolicy dispatch) {
        return StackConfig.defaults(name).withMode(mode).withNetisr(1, dispatch, PlacementPolicy.SOURCE);
    }

    Attack(StackConfig victimConfig, String cidr) {
        victim = hosts.host(victimConfig);
        nic = Hosts.nic(victim, "em0", cidr);
        peer = hosts.host(StackConfig.defaults("peer"));
        Hosts.wire(nic, Hosts.nic(peer, "em0", "10.0.0.1/" + cidr.substring(cidr.indexOf('/') + 1)));
        hosts.start();
    }

    Attack(LockMode mode, DispatchPolicy dispatch) { this(config("victim", mode, dispatch), "10.0.0.2/24"); }

    private int injected;

    /**
     * Puts {@code frame} on the victim's receive side, letting the hosts settle every 64 frames: these
     * tests are about what the protocols keep, not about a ring or netisr queue overflowing.
     */
    void frame(byte[] frame) {
        if (++injected % 64 == 0) hosts.settle();
        Mbuf m = victim.allocator().fromBytes(frame, 0, frame.length, Mbuf.M_WAIT);
        if (!nic.receive(m)) {
            hosts.settle();
            assertTrue(nic.receive(victim.allocator().fromBytes(frame, 0, frame.length, Mbuf.M_WAIT)));
        }
    }

    void ip(byte[] packet) { frame(Frames.ether(nic.mac().bits(), ATTACKER_MAC, EthernetHeader.TYPE_IPV4, packet)); }

    void arp(long dstMac, byte[] arp) { frame(Frames.ether(dstMac, ATTACKER_MAC, EthernetHeader.TYPE_ARP, arp)); }

    /** Lets the hosts settle until {@code done} holds (an ARP exchange may still be under way), at most 20 s. */
    void await(java.util.function.BooleanSupplier done, String what) {
        long end = System.nanoTime() + 20_000_000_000L;
        do {
            hosts.settle();
            if (done.getAsBoolean()) return;
            Thread.onSpinWait();
        } while (System.nanoTime() < end);
        assertTrue(done.getAsBoolean(), what);
    }

    /** The peer pings the victim twice; asserts both replies came. */
    void assertAnswersPing() {
        Ping.Result p = peer.ping("10.0.0.2", 2, Duration.ZERO, Duration.ofSeconds(20));
        assertEquals(2, p.received(), "the victim still answers a ping: " + p.summary());
    }

    /** Every frame the victim received has exactly one outcome. */
    void assertBalanced() {
        hosts.settle();
        Stack.InputOutcomes o = victim.inputOutcomes();
        assertEquals(o.frames(), o.sum(), "one outcome per frame: " + o);
    }

    @Override public void close() { hosts.close(); }
}
