package smpnet.sim.packetdrill;

import java.net.InetSocketAddress;
import java.util.function.Consumer;
import smpnet.sim.determ.Simulation;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.MacAddress;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpSocket;

/**
 * One smpnet host under a script: NIC {@code em0} with 192.168.0.1/24 (MTU from {@code --mtu}), a default
 * route through 192.168.0.2, and the scripted peer on the other end of the NIC's cable. The cable is this
 * object: frames the NIC transmits come to {@link #transmitted} (on the NIC's transmit thread), which answers
 * ARP itself and hands IPv4 packets to the runner; packets the runner injects arrive on the NIC's receive
 * side as frames from the gateway's MAC. The host starts at {@link #boot}, after the script's boot-time
 * sysctls; then an ARP request from the gateway teaches the host the gateway's MAC (RFC 826: the target of a
 * request learns its sender), so the script sees TCP only.
 */
final class SmpnetTarget implements Target {
    /** The gateway's (the peer side's) MAC. */
    private static final long PEER_MAC = MacAddress.local(0x00FE_0001).bits();

    private final Stack host;
    private final SimNic nic;
    private final Outbound out;

    private SmpnetTarget(Stack host, SimNic nic, Outbound out) {
        this.host = host;
        this.nic = nic;
        this.out = out;
    }

    /** A factory of hosts in {@code mode}. */
    static Factory factory(LockMode mode) {
        return factory(mode, host -> { });
    }

    /** A factory of hosts in {@code mode}, each handed to {@code prepare} before it starts. */
    static Factory factory(LockMode mode, Consumer<Stack> prepare) {
        return (sim, options, out) -> create(sim, mode, options, out, prepare);
    }

    static SmpnetTarget create(Simulation sim, LockMode mode, Script.Options options, Outbound out,
                               Consumer<Stack> prepare) {
        Stack host = sim.host(StackConfig.defaults("pd-" + mode.name().toLowerCase()).withMode(mode));
        SimNic nic = host.addNic("em0", Target.address(LOCAL_IP) + "/24", NicConfig.of(1), options.mtu());
        host.addRoute("0.0.0.0/0", Target.address(GATEWAY_IP));
        prepare.accept(host);
        SmpnetTarget t = new SmpnetTarget(host, nic, out);
        nic.attachLink(t::transmitted);
        return t;
    }

    @Override
    public void boot() {
        host.start();
        receiveFrame(Packets.arp(Packets.ARP_REQUEST, PEER_MAC, GATEWAY_IP, 0, LOCAL_IP), Packets.BROADCAST_MAC,
                Packets.TYPE_ARP);
    }

    Stack host() { return host; }

    @Override
    public void inject(byte[] ipPacket) { receiveFrame(ipPacket, nic.mac().bits(), Packets.TYPE_IPV4); }

    private void receiveFrame(byte[] payload, long dstMac, int etherType) {
        byte[] frame = Packets.ethernet(dstMac, PEER_MAC, etherType, payload);
        Mbuf m = nic.allocator().fromBytes(frame, 0, frame.length, Mbuf.M_WAIT);
        nic.receive(m); // thread hand-off: the other end is the NIC's receive ithread
    }

    /**
     * The cable's far end, on the NIC's transmit thread with no lock held: ARP requests are answered at once
     * with the gateway's MAC (for any address: everything lies behind the gateway); ARP replies are dropped;
     * IPv4 packets go to the runner.
     */
    private void transmitted(Mbuf frame) {
        byte[] b = new byte[frame.pktLen()];
        frame.copyData(0, b.length, b, 0);
        frame.freeChain();
        if (b.length < Packets.ETHER_LENGTH) return;
        int type = Segment.u16(b, 12);
        byte[] payload = java.util.Arrays.copyOfRange(b, Packets.ETHER_LENGTH, b.length);
        if (type == Packets.TYPE_IPV4) {
            out.sent(payload);
        } else if (type == Packets.TYPE_ARP && payload.length >= Packets.ARP_LENGTH
                && Segment.u16(payload, 6) == Packets.ARP_REQUEST) {
            int asker = Segment.s32(payload, 14);
            int wanted = Segment.s32(payload, 24);
            long askerMac = (Segment.u32(payload, 8) << 16) | Segment.u16(payload, 12);
            receiveFrame(Packets.arp(Packets.ARP_REPLY, PEER_MAC, wanted, askerMac, asker), askerMac, Packets.TYPE_ARP);
        }
    }

    @Override
    public int syncacheEntries() { return host.tcpResources().syncacheEntries(); }

    @Override
    public int tcpDrop(smpnet.stack.socket.TcpState state) { return host.tcpDrop(state); }

    @Override
    public void tcpMd5Add(int src, int dst, byte[] key) { host.tcpMd5Keys().add(inet4(src), inet4(dst), key); }

    @Override
    public void tcpMd5Flush() { host.tcpMd5Keys().flush(); }

    private static java.net.Inet4Address inet4(int ip) {
        try {
            return (java.net.Inet4Address) java.net.InetAddress.getByAddress(java.nio.ByteBuffer.allocate(4).putInt(ip).array());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public ScriptSocket openTcp() { return new SmpnetSocket(host.openTcp()); }

    @Override
    public void sysctl(String name, String value) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            host.sysctl(name, value); // a word: net.inet.tcp.cc.algorithm=newreno
            return;
        }
        host.sysctl(name, v);
    }

    /** An smpnet TCP socket behind the script's calls. */
    private record SmpnetSocket(TcpSocket s) implements ScriptSocket {
        @Override public void configureBlocking(boolean block) { s.configureBlocking(block); }

        @Override public void bind(InetSocketAddress local) throws SocketError { s.bind(local); }

        @Override public void listen(int backlog) throws SocketError { s.listen(backlog); }

        @Override public ScriptSocket accept() throws SocketError { return new SmpnetSocket(s.accept()); }

        @Override public void connect(InetSocketAddress remote) throws SocketError { s.connect(remote); }

        @Override public int write(byte[] b, int off, int len) throws SocketError { return s.write(b, off, len); }

        @Override
        public int sendTo(InetSocketAddress remote, byte[] b, int off, int len) throws SocketError {
            return s.sendTo(remote, b, off, len);
        }

        @Override public int read(byte[] b, int off, int len) throws SocketError { return s.read(b, off, len); }

        @Override public int peek(byte[] b, int off, int len) throws SocketError { return s.peek(b, off, len); }

        @Override public void shutdown(boolean read, boolean write) throws SocketError { s.shutdown(read, write); }

        @Override public void close() { s.close(); }

        @Override public void setOption(SockOpt option, int value) throws SocketError { s.setOption(option, value); }

        @Override public int getOption(SockOpt option) throws SocketError { return s.getOption(option); }

        @Override public TcpInfo info() { return s.info(); }

        @Override public void sendUrgent(byte b) throws SocketError { s.sendUrgent(b); }

        @Override public int readUrgent() throws SocketError { return s.readUrgent(); }

        @Override public boolean atMark() { return s.atMark(); }

        @Override public int readyOps() { return s.readyOps(); }

        @Override public void addWatcher(Pollable.Watcher w) { s.addWatcher(w); }

        @Override public void removeWatcher(Pollable.Watcher w) { s.removeWatcher(w); }
    }
}
