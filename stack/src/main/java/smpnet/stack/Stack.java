package smpnet.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.locking.DeterministicScheduler;
import smpnet.locking.Scheduler;
import smpnet.stack.dev.Loopback;
import smpnet.stack.dev.NicConfig;
import smpnet.stack.dev.SimNic;
import smpnet.stack.internal.arp.Arp;
import smpnet.stack.internal.arp.ArpTable;
import smpnet.stack.internal.icmp.Icmp;
import smpnet.stack.internal.ip.IpInterface;
import smpnet.stack.internal.ip.Ipv4;
import smpnet.stack.internal.net.Ether;
import smpnet.stack.internal.net.IfIndex;
import smpnet.stack.internal.net.Ifnet;
import smpnet.stack.internal.net.PcapWriter;
import smpnet.stack.internal.netisr.Netisr;
import smpnet.stack.internal.os.Posix;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.internal.tcp.AckPolicy;
import smpnet.stack.internal.tcp.Tcp;
import smpnet.stack.internal.tcp.TcpSettings;
import smpnet.stack.internal.tcp.TcpUsrReq;
import smpnet.stack.internal.tcp.cc.CcAlgorithms;
import smpnet.stack.internal.udp.Udp;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.net.IfAddress;
import smpnet.stack.net.MacAddress;
import smpnet.stack.socket.Ping;
import smpnet.stack.socket.UdpSocket;
import smpnet.stack.socket.TcpSocket;
import smpnet.stack.socket.TcpState;
import smpnet.stack.stats.ArpStat;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.EtherStat;
import smpnet.stack.stats.IcmpStat;
import smpnet.stack.stats.IpStat;
import smpnet.stack.stats.TcpStat;
import smpnet.stack.stats.UdpStat;

/**
 * One simulated host: its lock factory (Giant or fine-grained), mbuf allocator, netisr, interfaces and
 * protocol layers, assembled here, and the entry points an application uses. The host is never on the
 * per-packet path: each layer calls the next one by name (README.md draws the path).
 *
 * <pre>{@code
 *   Stack a = Stack.create(StackConfig.defaults("a"));
 *   Stack b = Stack.create(StackConfig.defaults("b"));
 *   SimNic na = a.addNic("em0", "10.0.0.1/24", NicConfig.of(1));
 *   SimNic nb = b.addNic("em0", "10.0.0.2/24", NicConfig.of(1));
 *   Wire.connect(na, nb);
 *   a.start(); b.start();
 *   try (UdpSocket rx = b.openUdp().bind(7); UdpSocket tx = a.openUdp()) {
 *       tx.sendTo("hi".getBytes(), new InetSocketAddress("10.0.0.2", 7));
 *       Datagram d = rx.receiveFrom();
 *   }
 *   a.close(); b.close();
 * }</pre>
 *
 * <p>Life cycle: configure (add interfaces and routes), {@link #start()}, use, {@link #close()}. Interfaces
 * and routes may be added only before start, which comes once; a closed host refuses sockets, pings and a
 * start, and closing it again does nothing; {@link #sysctl(String, long) sysctl} settings at any time, but
 * boot-time tunables (FreeBSD's CTLFLAG_RDTUN: net.inet.tcp.syncache.hashsize and bucketlimit) only before
 * start.
 * Nothing of one host is locked by a thread of another: hosts meet only through wires, which enqueue onto
 * the peer NIC's ring.
 */
public final class Stack implements AutoCloseable {
    private static final AtomicInteger HOSTS = new AtomicInteger();

    private final StackConfig config;
    private final int hostNumber = HOSTS.incrementAndGet();
    private final StackLocks locks;
    private final MbufAllocator alloc;
    private final Netisr netisr;
    private final IfIndex ifnets = new IfIndex();
    private final Ether ether;
    private final Arp arp;
    private final Ipv4 ip;
    private final Icmp icmp;
    private final Udp udp;
    private final Tcp tcp;
    private final TcpUsrReq tcpUsr;
    private final Sysctl sysctl = new Sysctl();
    private final Sysctl.Value udpRecvSpace;
    private final Sysctl.Value udpMaxDatagram;
    private final Sysctl.Value maxSockBuf;
    /** Filled by the configuring thread before {@link #start()}; the start of the threads publishes it. */
    private final List<IpInterface> interfaces = new ArrayList<>();
    private final List<PcapWriter> captures = new ArrayList<>();
    /** net.link.tx_direct, copied into every SimNic of the host (their transmit path reads their own field). */
    private volatile boolean transmitDirect = true;
    /**
     * net.link.rx_direct as set: 0 off, 1 on, 2 on when the host has one CPU ({@link #receiveDirect} is its
     * effect, copied into every SimNic of the host likewise).
     */
    private volatile int receiveDirectSetting;
    private volatile boolean receiveDirect;
    /**
     * net.link.bind_queues: the processors the host's NIC queue threads are bound among (the process's mask
     * when it was set to 1), 0 when unbound; copied into every SimNic of the host likewise.
     */
    private volatile long queueProcessors;
    /** The loopback interface every host has (FreeBSD's lo0), 127.0.0.1/8. */
    private final Loopback lo0;
    private volatile boolean started;
    private volatile boolean closed;
    /**
     * Open sockets, in the order they were opened, so {@link #close()} closes them in an order that does not
     * depend on identity hash codes (a deterministic run replays it). Guarded by its own monitor, held for no
     * scheduling point.
     */
    private final Set<AutoCloseable> sockets = Collections.synchronizedSet(new LinkedHashSet<>());

    private Stack(StackConfig config) {
        this.config = config;
        this.locks = new StackLocks(config.mode());
        this.alloc = new MbufAllocator(MbufAllocator.Config.defaults(config.name()).withCpus(config.cpus()));
        this.netisr = new Netisr(config.name(), config.netisr(), locks);
        this.ether = new Ether(netisr);
        this.arp = new Arp(locks, config.scheduler(), config.arp(), alloc, ether, ifnets, netisr);
        this.ip = new Ipv4(locks, config.scheduler(), alloc, netisr, ifnets, config.forwarding(), config.reassembly());
        ip.output().setInterfacesUp(false); // until start(): a send fails with ENETDOWN instead of waiting
        this.icmp = new Icmp(ip.input(), ip.output(), ip.routes(), alloc, config.scheduler());
        this.udp = new Udp(locks, ip.input(), ip.output(), icmp);
        this.udpRecvSpace = sysctl.addValue("net.inet.udp.recvspace", "default receive buffer of a new UDP socket",
                1, Integer.MAX_VALUE, UdpSocket.DEFAULT_RECEIVE_BUFFER);
        this.udpMaxDatagram = sysctl.addValue("net.inet.udp.maxdgram", "largest datagram a new UDP socket sends",
                1, 65535 - 28, UdpSocket.DEFAULT_MAX_DATAGRAM);
        // FreeBSD's sb_max is a u_long with no upper bound: 4294967295 (a window scale of 14) is accepted
        this.maxSockBuf = sysctl.addValue("kern.ipc.maxsockbuf", "most bytes a socket buffer may be set to",
                1, Long.MAX_VALUE, 2 * 1024 * 1024);
        HostSysctls.register(sysctl, config, netisr, arp, ip, udp);
        sysctl.add("net.link.tx_direct", "a sender puts its frame on an idle NIC queue's wire itself (0: always the "
                + "NIC's transmit thread)", 0, 1, () -> transmitDirect ? 1 : 0, v -> setTransmitDirect(v != 0));
        sysctl.add("net.link.rx_direct", "a socket call's sender hands the frames it put on this host's idle NIC "
                + "queues up the stack itself (0: the queues' interrupt threads; 2: itself on a host of one CPU, "
                + "the interrupt threads on more)", 0, 2, () -> receiveDirectSetting, this::setReceiveDirect);
        sysctl.add("net.link.bind_queues", "binds each NIC queue's thread to one processor the process may run on: "
                + "the queues of simulated CPU c to the (c mod n)-th of n (0: unbound, the threads run where the "
                + "system's scheduler puts them)", 0, 1, () -> queueProcessors != 0 ? 1 : 0, this::setBindQueues);
        TcpSettings tcpSettings = new TcpSettings(maxSockBuf);
        // The ISN and cookie secrets come from the host's name: a deterministic run replays them (a simulation
        // needs no secret an attacker could not read).
        this.tcp = new Tcp(locks, config.scheduler(), config.cpus(), alloc, ip.input(), ip.output(), icmp, tcpSettings,
                config.name().hashCode() * 0x9E3779B97F4A7C15L ^ 0x7CB1L);
        this.tcpUsr = new TcpUsrReq(tcp);
        tcpSettings.register(sysctl, CcAlgorithms::byName, tcp::purgeHostCache);
        tcp.registerFastOpen(sysctl);
        tcp.registerUdpTunneling(sysctl, udp);
        this.lo0 = new Loopback("lo0", 1, locks);
        attachInterface(lo0, IfAddress.parse("127.0.0.1/8"), null);
    }

    /** A new host, configured but not started. */
    public static Stack create(StackConfig config) { return new Stack(config); }

    public StackConfig config() { return config; }

    public String name() { return config.name(); }

    /** The host's lock factory (its mode and Giant). */
    public StackLocks locks() { return locks; }

    /** The host's mbuf allocator (leak checks, netstat -m). */
    public MbufAllocator allocator() { return alloc; }

    /** The host's netisr (its queues' counters; tests and benchmarks). */
    public Netisr netisr() { return netisr; }

    // ---- configuration --------------------------------------------------------------------------------

    /**
     * Adds a simulated NIC named {@code name} with address {@code cidr} ("10.0.0.1/24") and MTU 1500;
     * connect it to a peer with {@link smpnet.stack.dev.Wire#connect}.
     */
    public SimNic addNic(String name, String cidr, NicConfig nicConfig) { return addNic(name, cidr, nicConfig, 1500); }

    /** As {@link #addNic(String, String, NicConfig)} with the given MTU. */
    public SimNic addNic(String name, String cidr, NicConfig nicConfig, int mtu) {
        IfAddress a = IfAddress.parse(cidr); // a bad address or a late call takes no index and builds no NIC
        ensureConfiguring("attach interfaces");
        int index = ifnets.next();
        MacAddress mac = MacAddress.local(hostNumber << 8 | (index - 1));
        SimNic nic = new SimNic(name, index, mac, mtu, nicConfig.withCpus(config.cpus()), locks, alloc);
        nic.setTransmitDirect(transmitDirect);
        nic.setReceiveDirect(receiveDirect);
        if (queueProcessors != 0) nic.bindQueues(queueProcessors);
        attachInterface(nic, a, new ArpTable(arp, nic, a.address(), a.prefixLength()));
        return nic;
    }

    /** net.link.tx_direct: sets direct transmit on every SimNic of the host, and on those added later. */
    private void setTransmitDirect(boolean on) {
        transmitDirect = on;
        for (IpInterface i : interfaces) { // written only while configuring, by the thread that configures
            if (i.ifnet() instanceof SimNic n) n.setTransmitDirect(on);
        }
    }

    /**
     * net.link.rx_direct: sets direct receive on every SimNic of the host, and on those added later; with 2, on
     * a host of one CPU only. There the receiver's input has no other CPU to run on, and running it in the
     * sender's thread saves a wake-up and a switch per batch; with more, the queues' interrupt threads run it
     * beside the sender (FreeBSD's netisr hybrid dispatch decides alike: direct on the work's own CPU, queued
     * for another's).
     */
    private void setReceiveDirect(long setting) {
        receiveDirectSetting = (int) setting;
        boolean on = setting == 1 || setting == 2 && config.cpus() == 1;
        receiveDirect = on;
        for (IpInterface i : interfaces) {
            if (i.ifnet() instanceof SimNic n) n.setReceiveDirect(on);
        }
    }

    /**
     * net.link.bind_queues: with 1, binds every SimNic's queue threads among the processors the process may
     * run on (read now: {@code taskset}'s mask, whatever the calling thread is bound to), and those of NICs
     * added later; with 0, gives each its starting mask back. Refused, changing nothing, where threads cannot
     * be bound (not Linux, the mask unreadable) or must not be (under a {@link DeterministicScheduler}). The
     * registry's monitor is held meanwhile, and each queue's leaf lock is taken under it to wake its thread:
     * a free-running thread that holds such a lock never waits for the monitor. A direct
     * {@link SimNic#bindQueues} call is the NIC's own: the setting does not read it back.
     */
    private void setBindQueues(long setting) {
        long processors = 0;
        if (setting != 0) {
            // Under the baton one thread runs at a time and a run replays from its seed: a processor is no part
            // of its state (and the setting's wake-ups, scheduling points taken under the registry's monitor,
            // could let another of its threads block on that monitor where the scheduler cannot see it).
            if (Scheduler.current() instanceof DeterministicScheduler) {
                throw new IllegalArgumentException("a deterministic run runs one thread at a time: its threads are not bound to processors");
            }
            if (!Posix.isLinux()) throw new IllegalArgumentException("threads are bound to processors on Linux only");
            try {
                processors = Posix.processCpus();
            } catch (IOException | RuntimeException | LinkageError e) {
                throw new IllegalArgumentException("the processors this process may run on could not be read: " + e.getMessage(), e);
            }
            if (processors == 0) throw new IllegalArgumentException("the process may run on none of processors 0 to 63");
        }
        if (processors == queueProcessors) return;
        queueProcessors = processors;
        for (IpInterface i : interfaces) {
            if (i.ifnet() instanceof SimNic n) n.bindQueues(processors);
        }
    }

    /** Attaches an Ethernet interface built elsewhere with address {@code cidr}; adds the connected route. */
    public void attach(Ifnet ifp, String cidr) {
        IfAddress a = IfAddress.parse(cidr);
        attachInterface(ifp, a, new ArpTable(arp, ifp, a.address(), a.prefixLength()));
    }

    /** ether_ifattach and in_control(SIOCAIFADDR) in one: the interface, its ARP table, its address and route. */
    private void attachInterface(Ifnet ifp, IfAddress a, ArpTable arpTable) {
        ensureConfiguring("attach interfaces");
        ifnets.add(ifp);
        ifp.attach(ether, arpTable);
        interfaces.add(ip.attach(new IpInterface(ifp, a.address(), a.prefixLength())));
    }

    /** Adds a route: {@code cidr} ("0.0.0.0/0" for the default) via {@code gateway} ("10.0.0.254"). */
    public void addRoute(String cidr, String gateway) {
        ensureConfiguring("add routes");
        IfAddress dst = IfAddress.parse(cidr);
        int gw = Ipv4Header.parseAddress(gateway);
        IpInterface out = null;
        for (IpInterface i : interfaces) {
            if ((gw & i.netmask()) == (i.address() & i.netmask())) out = i;
        }
        if (out == null) throw new IllegalArgumentException("gateway " + gateway + " is on no attached network");
        ip.routes().add(dst.address(), dst.prefixLength(), gw, out, out.mtu());
    }

    /** The host's loopback interface, {@code lo0} (127.0.0.1/8); traffic to 127/8 goes through it. */
    public Loopback loopback() { return lo0; }

    /** Captures every frame {@code ifp} sends and receives into a pcap file, closed by {@link #close()}. */
    public void capture(Ifnet ifp, Path file) {
        ensureOpen(); // a closed host would never close the file
        PcapWriter w = PcapWriter.create(file, PcapWriter.LINKTYPE_ETHERNET);
        synchronized (captures) {
            captures.add(w);
        }
        ifp.setCapture(w);
    }

    /** Refuses configuration once the host has started (or closed), naming what was tried. */
    private void ensureConfiguring(String what) {
        if (started || closed) throw new IllegalStateException(what + " before start(): host " + name() + " has "
                + (closed ? "closed" : "started"));
    }

    /** Refuses use of a closed host. */
    private void ensureOpen() {
        if (closed) throw new IllegalStateException("host " + name() + " is closed");
    }

    /** Starts netisr and every interface; once only, and not after {@link #close()}. */
    public void start() {
        synchronized (this) { // the start/close monitor, held for no scheduling point
            ensureOpen();
            if (started) throw new IllegalStateException("host " + name() + " already started");
            started = true;
        }
        sysctl.boot(); // boot-time tunables are read-only from now on
        tcp.boot();
        netisr.start();
        for (IpInterface i : interfaces) i.ifnet().start();
        ip.output().setInterfacesUp(true);
    }

    // ---- sysctl ---------------------------------------------------------------------------------------

    /**
     * The value of setting {@code name} under its FreeBSD sysctl name ({@code net.inet.ip.forwarding}, ...;
     * README.md lists them). An unknown name is an {@link IllegalArgumentException}.
     */
    public long sysctl(String name) { return sysctl.get(name); }

    /**
     * Sets {@code name} to {@code value}. An unknown name, a read-only setting (a boot-time tunable once the
     * host has started) or a value out of bounds is an {@link IllegalArgumentException} that names the setting
     * and changes nothing.
     */
    public void sysctl(String name, long value) { sysctl.set(name, value); }

    /** Every setting, "name: value" one a line and sorted, as {@code sysctl -a} prints them. */
    public String sysctlAll() { return sysctl.format(); }

    /**
     * Replaces when this host's TCP acknowledges received data (the default is FreeBSD's delayed-ACK rule,
     * {@link AckPolicy#FREEBSD}). A seam for the course's lab 8; connections use the new policy from their next
     * segment.
     */
    public void tcpAckPolicy(AckPolicy policy) {
        tcp.settings().ackPolicy = java.util.Objects.requireNonNull(policy, "policy");
    }

    // ---- applications ---------------------------------------------------------------------------------

    /** A new, unbound UDP socket; {@link #close()} closes it if the application did not. */
    public UdpSocket openUdp() {
        ensureOpen();
        UdpSocket s = new UdpSocket(udp, locks, alloc, config.scheduler(), (int) udpRecvSpace.get(),
                (int) udpMaxDatagram.get(), maxSockBuf, sockets::remove);
        sockets.add(s);
        return s;
    }

    /** A new TCP socket; {@link #close()} closes it (and the connections it accepted) if the application did not. */
    public TcpSocket openTcp() {
        ensureOpen();
        TcpSocket s = new TcpSocket(tcpUsr, locks, config.scheduler(), maxSockBuf, sockets::add, sockets::remove);
        sockets.add(s);
        return s;
    }

    /** A new kqueue-like event object. */
    public EventQueue newEventQueue() { return new EventQueue(); }

    /** Pings {@code dst} {@code count} times with 56 data bytes, as ping(8) does by default. */
    public Ping.Result ping(String dst, int count, Duration interval, Duration timeout) {
        return ping(dst, count, 56, interval, timeout);
    }

    public Ping.Result ping(String dst, int count, int dataBytes, Duration interval, Duration timeout) {
        return newPing().run(Ipv4Header.parseAddress(dst), count, dataBytes, interval, timeout);
    }

    /** A ping session to configure (TTL, DF) before {@link Ping#run}. */
    public Ping newPing() {
        ensureOpen();
        return new Ping(icmp, locks, config.scheduler());
    }

    // ---- statistics -----------------------------------------------------------------------------------

    public Counters<EtherStat> etherStats() { return ether.stats(); }

    public Counters<ArpStat> arpStats() { return arp.stats(); }

    public Counters<IpStat> ipStats() { return ip.stats(); }

    public Counters<IcmpStat> icmpStats() { return icmp.stats(); }

    public Counters<UdpStat> udpStats() { return udp.stats(); }

    public Counters<TcpStat> tcpStats() { return tcp.stats(); }

    // ---- TCP-MD5 keys ---------------------------------------------------------------------------------

    /** The host's TCP-MD5 keys (RFC 2385), for connections with {@code SockOpt.TCP_MD5SIG}. */
    public TcpMd5Keys tcpMd5Keys() { return new TcpMd5Keys(tcp); }

    /**
     * The host's TCP-MD5 keys, FreeBSD's TCP-MD5 security associations ({@code setkey}'s
     * {@code add SRC DST tcp SPI -A tcp-md5 "KEY"}): each key signs the segments from one IPv4 address to
     * another. A connection with TCP_MD5SIG signs what it sends with the key of (its address, the peer's)
     * and checks what it receives with the key of (the peer's, its own); so both directions need a key, as
     * with setkey. Changes take effect for the next segment. Thread-safe.
     */
    public static final class TcpMd5Keys {
        private final Tcp tcp;

        private TcpMd5Keys(Tcp tcp) { this.tcp = tcp; }

        /** Adds, or replaces, the key (1 to 80 bytes) for segments from {@code src} to {@code dst}. */
        public void add(java.net.Inet4Address src, java.net.Inet4Address dst, byte[] key) {
            tcp.signatures().add(ip(src), ip(dst), key);
        }

        /** Removes the key for segments from {@code src} to {@code dst}; whether there was one. */
        public boolean remove(java.net.Inet4Address src, java.net.Inet4Address dst) {
            return tcp.signatures().remove(ip(src), ip(dst));
        }

        /** Removes every key ({@code setkey -F}). */
        public void flush() { tcp.signatures().flush(); }

        /** How many keys the host has. */
        public int size() { return tcp.signatures().size(); }

        private static int ip(java.net.Inet4Address a) { return java.nio.ByteBuffer.wrap(a.getAddress()).getInt(); }
    }

    /**
     * TCP's resources now: connections in the hash, control blocks alive, timers armed, SYN cache entries (a
     * host whose sockets are all closed and whose TIME_WAITs are over has none of any).
     */
    public TcpResources tcpResources() {
        return new TcpResources(tcp.connections(), tcp.pcbs(), tcp.timersArmed(), tcp.syncacheEntries());
    }

    /**
     * Drops every TCP connection in {@code state}, as FreeBSD's {@code tcpdrop -s STATE}: one in TIME_WAIT ends
     * silently; any other is aborted (a RST once a SYN was received, ECONNABORTED for its socket). LISTEN and
     * CLOSED are refused (a listener is not a connection). Returns how many were dropped.
     */
    public int tcpDrop(TcpState state) {
        Objects.requireNonNull(state, "state");
        if (state == TcpState.LISTEN || state == TcpState.CLOSED) {
            throw new IllegalArgumentException("tcpDrop drops connections, not " + state);
        }
        return tcp.drop(state);
    }

    /** What {@link #tcpResources()} reports. */
    public record TcpResources(int connections, int pcbs, int timers, int syncacheEntries) {}

    /** The value of a string setting ({@code net.inet.tcp.cc.algorithm}); an unknown name is refused. */
    public String sysctlString(String name) { return sysctl.getString(name); }

    /** Sets a string setting ({@code net.inet.tcp.cc.algorithm=newreno}); unknown names and values are refused. */
    public void sysctl(String name, String value) { sysctl.setString(name, value); }

    /** Every protocol's counters, as {@code netstat -s} prints them. */
    public String netstat() {
        return ether.stats().format() + arp.stats().format() + ip.stats().format() + icmp.stats().format()
                + udp.stats().format() + tcp.stats().format();
    }

    /** The ARP cache entry for {@code address} on {@code ifp}: the MAC, or -1 if unresolved. */
    public long arpLookup(Ifnet ifp, String address) {
        ArpTable table = ifp.arp();
        if (table == null) throw new IllegalArgumentException(ifp.name() + " has no ARP");
        return table.lookup(Ipv4Header.parseAddress(address));
    }

    /** Datagrams waiting in IP reassembly. */
    public int reassemblyPending() { return ip.input().reassemblyPending(); }

    /** Fragments held by IP reassembly, all datagrams together. */
    public int reassemblyFragments() { return ip.reassemblyFragments(); }

    /** Deletes every ARP entry of every interface, freeing the packets they held (FreeBSD's {@code arp -d -a}). */
    public void arpFlush() {
        for (IpInterface i : interfaces) if (i.arp() != null) i.arp().flush();
    }

    /** Entries in the ARP table of {@code ifp}. */
    public int arpEntries(Ifnet ifp) {
        ArpTable table = ifp.arp();
        return table == null ? 0 : table.size();
    }

    /** Routes in the table: only configuration adds them (no input, not even an ICMP redirect, does). */
    public int routeCount() { return ip.routes().routes().size(); }

    /** Destinations with a learned path MTU (RFC 1191). */
    public int pathMtuEntries() { return ip.output().pathMtu().size(); }

    /** The path MTU learned toward {@code address}, or 0 if none. */
    public int pathMtu(String address) { return ip.output().pathMtu().mtu(Ipv4Header.parseAddress(address)); }

    /** What became of every frame received so far, one outcome each (check once quiet: {@link #quiesce()}). */
    public InputOutcomes inputOutcomes() { return InputOutcomes.of(this); }

    /** Waits until every NIC's rings and lo0's ring are drained and netisr's queues are empty. */
    public void quiesce() {
        for (IpInterface i : interfaces) {
            if (i.ifnet() instanceof SimNic n) {
                n.awaitReceived();
                n.awaitTransmitted();
            }
        }
        netisr.awaitIdle();
        // Deferred netisr work may have sent over lo0, whose input may queue more netisr work.
        lo0.awaitReceived();
        netisr.awaitIdle();
    }

    /**
     * Closes the sockets still open, stops the interfaces and netisr, frees everything the host still holds
     * (socket buffers, ARP hold queues, reassembly queues, ring contents), then closes captures.
     */
    @Override
    public void close() {
        synchronized (this) { // the start/close monitor, held for no scheduling point
            if (closed) return;
            closed = true;
        }
        List<AutoCloseable> open;
        synchronized (sockets) { open = List.copyOf(sockets); }
        for (AutoCloseable s : open) {
            try {
                s.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + s, e);
            }
        }
        ip.output().setInterfacesUp(false); // the sockets' last segments are out; timers that fire now send nothing
        for (IpInterface i : interfaces) i.ifnet().stop();
        netisr.stop();
        tcp.shutdown(); // connections left (TIME_WAIT, FINs unanswered): timers stopped, queues freed
        for (IpInterface i : interfaces) if (i.arp() != null) i.arp().drain();
        ip.input().drainReassembly();
        List<PcapWriter> writers;
        synchronized (captures) { // a Java monitor: never held across a lock of ours (a scheduling point)
            writers = List.copyOf(captures);
            captures.clear();
        }
        for (PcapWriter w : writers) w.close();
    }

    @Override public String toString() { return "host " + config.name() + " (" + config.mode() + ")"; }

    /**
     * What became of every frame a host received: each has exactly one outcome, and each outcome is one
     * counter of one layer. A frame is delivered to a socket, forwarded, consumed by ARP or ICMP, held (by
     * reassembly), or dropped under one reason; a layer that passes a frame up counts that in an
     * informational counter (ip DELIVERED, ether's hand-off to netisr), never in an outcome. So, once a host
     * is quiet, {@link #frames()} (frames in, plus packets the host sent to its own address) equals
     * {@link #sum()}; a frame counted twice, or freed without a count, breaks the equation.
     *
     * <p>The outcome counters are listed here, in one place, beside the layers' informational ones. A
     * counter that both input and output increment (e.g. ip CANT_FRAGMENT) counts as an outcome: the host
     * must be sending nothing of its own with DF set when the equation is checked.
     *
     * @param frames   frames received on every interface (ether RECEIVED) plus packets looped to ourselves
     * @param outcomes every outcome counter that is not zero, as "layer.COUNTER" → value
     */
    public static record InputOutcomes(long frames, Map<String, Long> outcomes) {
        static final Set<EtherStat> ETHER = EnumSet.of(EtherStat.TRUNCATED, EtherStat.OTHER_HOST, EtherStat.UNKNOWN_TYPE);
        static final Set<ArpStat> ARP = EnumSet.of(ArpStat.MALFORMED, ArpStat.NOT_FOR_US, ArpStat.FOR_US,
                ArpStat.BAD_SENDER, ArpStat.OFF_LINK, ArpStat.NO_TABLE);
        static final Set<IpStat> IP = EnumSet.of(IpStat.TOO_SHORT, IpStat.BAD_VERSION, IpStat.BAD_HEADER_LENGTH,
                IpStat.BAD_LENGTH, IpStat.TRUNCATED, IpStat.BAD_CHECKSUM, IpStat.BAD_OPTIONS, IpStat.SOURCE_ROUTED,
                IpStat.MARTIAN, IpStat.BAD_SOURCE, IpStat.FRAGMENTS_HELD, IpStat.FRAGMENTS_DROPPED,
                IpStat.FRAGMENTS_BAD_LENGTH, IpStat.TOO_LONG, IpStat.UNKNOWN_PROTOCOL, IpStat.FORWARDED,
                IpStat.NOT_FORWARDING, IpStat.NOT_FORWARDABLE, IpStat.NO_ROUTE_FORWARD, IpStat.TTL_EXCEEDED,
                IpStat.CANT_FRAGMENT, IpStat.INPUT_NO_BUFFERS);
        static final Set<IcmpStat> ICMP = EnumSet.of(IcmpStat.TOO_SHORT, IcmpStat.BAD_CHECKSUM, IcmpStat.OTHER_RECEIVED,
                IcmpStat.BAD_CODE, IcmpStat.BROADCAST_ECHO_IGNORED, IcmpStat.CONSUMED);
        static final Set<UdpStat> UDP = EnumSet.of(UdpStat.TOO_SHORT, UdpStat.BAD_LENGTH, UdpStat.BAD_CHECKSUM,
                UdpStat.NO_PORT, UdpStat.NO_PORT_BROADCAST, UdpStat.FULL_SOCKET_BUFFER, UdpStat.DELIVERED);
        /**
         * TCP counts every segment it is handed once, valid or not (its drops are parts of that count); a datagram
         * of the TCP over UDP tunnel too short for a TCP header is dropped before that (tcps_tunneled_errs).
         */
        static final Set<TcpStat> TCP = EnumSet.of(TcpStat.RCVTOTAL, TcpStat.TUNNELED_ERRS);

        public InputOutcomes {
            outcomes = Map.copyOf(outcomes);
        }

        /** Reads a host's counters (meaningful once it is quiet: {@link Stack#quiesce()}). */
        static InputOutcomes of(Stack s) {
            Map<String, Long> out = new LinkedHashMap<>();
            add(out, s.etherStats(), ETHER);
            long netisrDrops = s.netisr().totals().dropped() + s.netisr().unregisteredDrops();
            if (netisrDrops != 0) out.put("netisr.DROPPED", netisrDrops);
            add(out, s.arpStats(), ARP);
            add(out, s.ipStats(), IP);
            add(out, s.icmpStats(), ICMP);
            add(out, s.udpStats(), UDP);
            add(out, s.tcpStats(), TCP);
            return new InputOutcomes(s.etherStats().get(EtherStat.RECEIVED) + s.ipStats().get(IpStat.LOOPED), out);
        }

        private static <E extends Enum<E>> void add(Map<String, Long> out, Counters<E> c, Set<E> outcomes) {
            for (E e : outcomes) {
                long v = c.get(e);
                if (v != 0) out.put(c.protocol() + "." + e.name(), v);
            }
        }

        /** The sum of every outcome counter. */
        public long sum() { return outcomes.values().stream().mapToLong(Long::longValue).sum(); }

        /** True if every frame has exactly one outcome. */
        public boolean balanced() { return sum() == frames; }

        @Override
        public String toString() { return frames + " frames, " + sum() + " outcomes " + outcomes; }
    }
}
