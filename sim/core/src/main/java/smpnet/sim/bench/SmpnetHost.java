package smpnet.sim.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.stats.EtherStat;
import smpnet.stack.stats.IpStat;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.IfCounters;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.UdpStat;

/**
 * A benchmark host on smpnet's public API: one {@link Stack} in the case's locking mode with as many netisr
 * workers as CPUs and direct dispatch, and one generator NIC with one RX queue per CPU.
 */
final class SmpnetHost implements BenchHost {
    static final String CIDR = "10.1.0.2/24";

    /** Every receive-side drop reason of the protocols, each counted where it happened. */
    static final List<EtherStat> ETHER_DROPS = List.of(EtherStat.TRUNCATED, EtherStat.OTHER_HOST, EtherStat.UNKNOWN_TYPE);
    static final List<IpStat> IP_DROPS = List.of(IpStat.TOO_SHORT, IpStat.BAD_VERSION, IpStat.BAD_HEADER_LENGTH,
            IpStat.BAD_LENGTH, IpStat.TRUNCATED, IpStat.BAD_CHECKSUM, IpStat.BAD_OPTIONS, IpStat.SOURCE_ROUTED,
            IpStat.FRAGMENTS_DROPPED, IpStat.FRAGMENTS_TIMED_OUT, IpStat.UNKNOWN_PROTOCOL, IpStat.NOT_FORWARDING,
            IpStat.NO_ROUTE_FORWARD, IpStat.TTL_EXCEEDED);
    static final List<UdpStat> UDP_DROPS = List.of(UdpStat.TOO_SHORT, UdpStat.BAD_LENGTH, UdpStat.BAD_CHECKSUM,
            UdpStat.NO_PORT, UdpStat.NO_PORT_BROADCAST, UdpStat.FULL_SOCKET_BUFFER);

    private final Stack stack;
    private final SimNic nic;
    private final int address = IfAddress.parse(CIDR).address();

    SmpnetHost(Subject mode, int cpus) {
        LockMode m = mode == Subject.GIANT ? LockMode.GIANT : LockMode.FINE;
        stack = Stack.create(StackConfig.defaults("bench").withMode(m)
                .withNetisr(cpus, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE));
        nic = stack.addNic("gen0", CIDR, NicConfig.of(cpus));
    }

    @Override public SimNic nic() { return nic; }
    @Override public MbufAllocator allocator() { return stack.allocator(); }
    @Override public int address() { return address; }

    @Override
    public Socket bindUdp(int port) throws Exception {
        UdpSocket s = stack.openUdp().configureBlocking(false);
        s.bind(new InetSocketAddress(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(address).array()), port));
        return new Socket() {
            @Override public int receiveNow(byte[] buf) throws Exception { return s.receive(buf); }
            @Override public void close() { s.close(); }
        };
    }

    @Override public void start() { stack.start(); }

    @Override
    public long drops() {
        IfCounters c = nic.counters();
        return c.inDrops() + c.inErrors() + sum(stack.etherStats(), ETHER_DROPS) + sum(stack.ipStats(), IP_DROPS)
                + sum(stack.udpStats(), UDP_DROPS) + stack.netisr().totals().dropped() + stack.netisr().unregisteredDrops();
    }

    private static <E extends Enum<E>> long sum(Counters<E> c, List<E> which) {
        long s = 0;
        for (E e : which) s += c.get(e);
        return s;
    }

    @Override public void close() { stack.close(); }
}
