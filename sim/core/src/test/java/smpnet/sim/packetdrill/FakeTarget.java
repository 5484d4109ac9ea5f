package smpnet.sim.packetdrill;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import smpnet.locking.CondVar;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;
import smpnet.sim.packetdrill.Script.OptionKind;
import smpnet.sim.packetdrill.Script.TcpOption;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpInfo;
import smpnet.stack.socket.TcpState;

/**
 * A scripted stand-in for a TCP host, small enough to be obviously right, so the runner's matching, timing
 * and messages can be proven on their own: one connection; it answers a SYN with a SYN-ACK (ISN 1000,
 * {@code <mss 1460,nop,wscale 6>}, window 65535) after {@link #synAckDelayNanos}, retransmits it 3 s later if
 * {@link #retransmitSynAck}, completes on the ACK, ACKs data at once, and sends a write as one {@code P.}
 * segment. connect() sends a SYN (ISN 5000, {@code <mss 1460>}) and blocks for the SYN-ACK.
 *
 * <p>Locking key: every field below {@code lock} is guarded by it ("fake_tcp").
 */
final class FakeTarget implements Target {
    static final long ISN = 1000;
    static final long CONNECT_ISN = 5000;

    private final Outbound out;
    private final Mutex lock = new Mutex("fake_tcp");
    private final CondVar changed = new CondVar("fake_tcp_changed");
    @GuardedBy("fake_tcp") private TcpState state = TcpState.CLOSED;
    @GuardedBy("fake_tcp") private boolean listening;
    @GuardedBy("fake_tcp") private int localPort = DEFAULT_PORT;
    @GuardedBy("fake_tcp") private int peerPort;
    @GuardedBy("fake_tcp") private long rcvNxt;
    @GuardedBy("fake_tcp") private long sndNxt;
    @GuardedBy("fake_tcp") private int buffered;
    @GuardedBy("fake_tcp") private boolean accepted;
    @GuardedBy("fake_tcp") private boolean nonBlocking;
    /** Every segment injected, as the fake received it (live numbers). */
    @GuardedBy("fake_tcp") final List<Segment> received = new ArrayList<>();
    @GuardedBy("fake_tcp") final Map<String, Long> sysctls = new HashMap<>(Map.of("net.inet.tcp.sack.enable", 1L));
    /** boot and sysctl calls in their order ("boot", "NAME=VALUE"). */
    @GuardedBy("fake_tcp") private final List<String> calls = new ArrayList<>();
    volatile long synAckDelayNanos;
    volatile boolean retransmitSynAck;
    /** Sent after each ACK of data, to test "unexpected packet" detection. */
    volatile boolean chatty;

    FakeTarget(Outbound out) { this.out = out; }

    /** A factory whose targets are handed to {@code made} for inspection, configured by {@code setup}. */
    static Factory factory(List<FakeTarget> made, java.util.function.Consumer<FakeTarget> setup) {
        return (sim, options, out) -> {
            FakeTarget t = new FakeTarget(out);
            setup.accept(t);
            made.add(t);
            return t;
        };
    }

    List<String> calls() {
        lock.lock();
        try {
            return List.copyOf(calls);
        } finally {
            lock.unlock();
        }
    }

    List<Segment> received() {
        lock.lock();
        try {
            return List.copyOf(received);
        } finally {
            lock.unlock();
        }
    }

    /** Every non-TCP packet injected (ICMP), as bytes. */
    @GuardedBy("fake_tcp") final List<byte[]> receivedOther = new ArrayList<>();

    List<byte[]> receivedOther() {
        lock.lock();
        try {
            return List.copyOf(receivedOther);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void inject(byte[] ipPacket) {
        Segment s = Segment.decode(ipPacket);
        lock.lock();
        try {
            if (s == null) {
                receivedOther.add(ipPacket);
                return;
            }
            received.add(s);
            boolean syn = (s.flags() & Segment.SYN) != 0;
            boolean ack = (s.flags() & Segment.ACK) != 0;
            if (syn && !ack && listening) {
                peerPort = s.srcPort();
                rcvNxt = s.seq() + 1;
                state = TcpState.SYN_RECEIVED;
                long delay = synAckDelayNanos;
                Scheduler.current().schedule(delay, this::sendSynAck);
                if (retransmitSynAck) Scheduler.current().schedule(delay + 3_000_000_000L, this::sendSynAck);
            } else if (syn && ack && state == TcpState.SYN_SENT && s.ack() == CONNECT_ISN + 1) {
                rcvNxt = s.seq() + 1;
                sndNxt = CONNECT_ISN + 1;
                state = TcpState.ESTABLISHED;
                sendLocked(Segment.ACK, sndNxt, 0, List.of());
                changed.broadcast();
            } else if (ack && state == TcpState.SYN_RECEIVED && s.ack() == ISN + 1) {
                sndNxt = ISN + 1;
                state = TcpState.ESTABLISHED;
                changed.broadcast();
            }
            if (state == TcpState.ESTABLISHED && s.length() > 0 && s.seq() == rcvNxt) {
                rcvNxt += s.length();
                buffered += s.length();
                sendLocked(Segment.ACK, sndNxt, 0, List.of());
                if (chatty) sendLocked(Segment.ACK, sndNxt, 0, List.of());
                changed.broadcast();
            }
        } finally {
            lock.unlock();
        }
    }

    private void sendSynAck() {
        lock.lock();
        try {
            if (state != TcpState.SYN_RECEIVED) return;
            sendLocked(Segment.SYN | Segment.ACK, ISN, 0, List.of(new TcpOption(OptionKind.MSS, 1460, 0, null),
                    TcpOption.of(OptionKind.NOP), new TcpOption(OptionKind.WSCALE, 6, 0, null)));
        } finally {
            lock.unlock();
        }
    }

    private void sendLocked(int flags, long seq, int len, List<TcpOption> opts) {
        lock.assertOwned();
        out.sent(Packets.tcp(LOCAL_IP, REMOTE_IP, localPort, peerPort, flags, seq, (flags & Segment.ACK) != 0 ? rcvNxt : 0,
                65535, opts, len));
    }

    @Override
    public ScriptSocket openTcp() { return new FakeSocket(); }

    @Override
    public void boot() {
        lock.lock();
        try {
            calls.add("boot");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sysctl(String name, String value) {
        lock.lock();
        try {
            if (!sysctls.containsKey(name)) throw new IllegalArgumentException("unknown sysctl " + name);
            sysctls.put(name, Long.parseLong(value));
            calls.add(name + "=" + value);
        } finally {
            lock.unlock();
        }
    }

    /** The one socket of the fake (listening or connecting), and the connection accepted from it. */
    private final class FakeSocket implements ScriptSocket {
        @Override public void configureBlocking(boolean block) {
            lock.lock();
            try {
                nonBlocking = !block;
            } finally {
                lock.unlock();
            }
        }

        @Override public void bind(InetSocketAddress local) {
            lock.lock();
            try {
                localPort = local.getPort();
            } finally {
                lock.unlock();
            }
        }

        @Override public void listen(int backlog) {
            lock.lock();
            try {
                listening = true;
                state = TcpState.LISTEN;
            } finally {
                lock.unlock();
            }
        }

        @Override public ScriptSocket accept() throws SocketError {
            lock.lock();
            try {
                while (state != TcpState.ESTABLISHED || accepted) {
                    if (nonBlocking) throw new SocketError(Errno.EAGAIN);
                    changed.await(lock);
                }
                accepted = true;
                return this;
            } finally {
                lock.unlock();
            }
        }

        @Override public void connect(InetSocketAddress remote) throws SocketError {
            lock.lock();
            try {
                localPort = 40_000;
                peerPort = remote.getPort();
                state = TcpState.SYN_SENT;
                sendLocked(Segment.SYN, CONNECT_ISN, 0, List.of(new TcpOption(OptionKind.MSS, 1460, 0, null)));
                if (nonBlocking) throw new SocketError(Errno.EINPROGRESS);
                while (state != TcpState.ESTABLISHED) changed.await(lock);
            } finally {
                lock.unlock();
            }
        }

        @Override public int write(byte[] b, int off, int len) {
            lock.lock();
            try {
                sendLocked(Segment.PSH | Segment.ACK, sndNxt, len, List.of());
                sndNxt += len;
                return len;
            } finally {
                lock.unlock();
            }
        }

        @Override public int read(byte[] b, int off, int len) throws SocketError {
            lock.lock();
            try {
                while (buffered == 0) {
                    if (nonBlocking) throw new SocketError(Errno.EAGAIN);
                    changed.await(lock);
                }
                int n = Math.min(len, buffered);
                buffered -= n;
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override public void shutdown(boolean read, boolean write) {}

        @Override public void close() {}

        @Override public void setOption(SockOpt option, int value) {}

        @Override public int getOption(SockOpt option) { return option == SockOpt.SO_ERROR ? 0 : 1; }

        @Override public TcpInfo info() {
            lock.lock();
            try {
                return new TcpInfo(state, 0, 6, 6, 1_000_000, 0, 0, 0, 14600, 65535, 65535, 1460, 1460, sndNxt, sndNxt, rcvNxt,
                        0, 0, "fake");
            } finally {
                lock.unlock();
            }
        }

        @Override public int readyOps() {
            lock.lock();
            try {
                return (buffered > 0 ? EventQueue.READ : 0) | (state == TcpState.ESTABLISHED ? EventQueue.WRITE : 0);
            } finally {
                lock.unlock();
            }
        }

        @Override public void addWatcher(Pollable.Watcher w) {}

        @Override public void removeWatcher(Pollable.Watcher w) {}
    }
}
