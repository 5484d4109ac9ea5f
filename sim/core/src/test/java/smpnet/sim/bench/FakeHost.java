package smpnet.sim.bench;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import smpnet.locking.GuardedBy;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.MacAddress;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.internal.net.Ether;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.netisr.NetisrProtocol;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * A stand-in host for testing the workload's mechanics apart from the protocols: a real generator NIC
 * whose packets go up through Ethernet input and netisr to a stand-in for IP that puts each packet, by UDP
 * destination port, on a bounded per-port queue ("socket
 * buffer") that drops and counts when full.
 */
final class FakeHost implements BenchHost {
    static final int ADDRESS = IfAddress.parseIpv4("10.1.0.2");
    /** Offsets in an IP packet (the Ethernet header already stripped): UDP destination port, payload. */
    private static final int UDP_DPORT = FlowFrames.IP + 2;
    private static final int PAYLOAD = FlowFrames.PAYLOAD - FlowFrames.ETHER;

    private final MbufAllocator allocator;
    private final SimNic nic;
    private final int socketLimit;
    private final Map<Integer, FakeSocket> sockets = new ConcurrentHashMap<>();
    private final AtomicLong socketDrops = new AtomicLong();

    FakeHost(int cpus, int socketLimit) {
        this.socketLimit = socketLimit;
        allocator = new MbufAllocator(MbufAllocator.Config.defaults("fake").withCpus(cpus));
        StackLocks locks = new StackLocks(LockMode.FINE);
        nic = new SimNic("gen0", 1, MacAddress.local(2), 1500, NicConfig.of(cpus), locks, allocator);
        // The real receive path up to netisr (Ethernet input strips the header), then a stand-in for IP.
        Netisr netisr = new Netisr("fake", NetisrConfig.of(1, DispatchPolicy.DIRECT, PlacementPolicy.SOURCE), locks);
        netisr.register(NetisrProtocol.IP, packet -> {
            FakeSocket s = sockets.get(packet.getU16(UDP_DPORT));
            if (s == null || !s.offer(packet)) {
                socketDrops.incrementAndGet();
                packet.freeChain();
            }
        });
        nic.attach(new Ether(netisr), null);
    }

    @Override public SimNic nic() { return nic; }
    @Override public MbufAllocator allocator() { return allocator; }
    @Override public int address() { return ADDRESS; }

    @Override
    public Socket bindUdp(int port) {
        FakeSocket s = new FakeSocket();
        sockets.put(port, s);
        return s;
    }

    @Override public void start() { nic.start(); }

    @Override
    public long drops() {
        return socketDrops.get() + nic.counters().inDrops() + nic.counters().inErrors();
    }

    @Override public void close() { nic.stop(); }

    private final class FakeSocket implements Socket {
        @GuardedBy("this") private final ArrayDeque<Mbuf> queue = new ArrayDeque<>();

        synchronized boolean offer(Mbuf m) {
            if (queue.size() >= socketLimit) return false;
            queue.add(m);
            return true;
        }

        @Override
        public synchronized int receiveNow(byte[] buf) {
            Mbuf m = queue.poll();
            if (m == null) return -1;
            int n = m.pktLen() - PAYLOAD;
            m.getBytes(PAYLOAD, buf, 0, n);
            m.freeChain();
            return n;
        }

        @Override
        public synchronized void close() {
            for (Mbuf m; (m = queue.poll()) != null; ) {
                socketDrops.incrementAndGet();
                m.freeChain();
            }
        }
    }
}
