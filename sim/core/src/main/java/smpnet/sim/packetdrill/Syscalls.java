package smpnet.sim.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import smpnet.locking.Scheduler;
import smpnet.sim.packetdrill.Script.Array;
import smpnet.sim.packetdrill.Script.BitOr;
import smpnet.sim.packetdrill.Script.Call;
import smpnet.sim.packetdrill.Script.Ellipsis;
import smpnet.sim.packetdrill.Script.Expr;
import smpnet.sim.packetdrill.Script.Num;
import smpnet.sim.packetdrill.Script.Struct;
import smpnet.sim.packetdrill.Script.Sym;
import smpnet.sim.packetdrill.Script.SyscallEvent;
import smpnet.stack.kevent.EventQueue;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;

/**
 * The system calls a script makes, on the sockets of a {@link Target}: each call's arguments are read on the
 * script's thread when the call starts (a bad argument fails the script there), and its body runs on the
 * {@link SyscallThread}. Numbers are FreeBSD's ({@code SOL_SOCKET} 0xffff, {@code O_NONBLOCK} 4, ...).
 *
 * <p>Locking key: {@code fds} is a concurrent map (the script's thread and the syscall thread both use it);
 * {@code underTest} is volatile.
 */
final class Syscalls {
    /** The names a call's arguments may use, with FreeBSD's values. */
    static final Map<String, Long> SYMBOLS = new TreeMap<>(Map.ofEntries(
            Map.entry("AF_INET", 2L), Map.entry("PF_INET", 2L), Map.entry("SOCK_STREAM", 1L), Map.entry("SOCK_DGRAM", 2L),
            Map.entry("IPPROTO_IP", 0L), Map.entry("IPPROTO_TCP", 6L), Map.entry("IPPROTO_UDP", 17L),
            Map.entry("SOL_SOCKET", 0xFFFFL), Map.entry("SOL_TCP", 6L),
            Map.entry("SHUT_RD", 0L), Map.entry("SHUT_WR", 1L), Map.entry("SHUT_RDWR", 2L),
            Map.entry("F_GETFL", 3L), Map.entry("F_SETFL", 4L), Map.entry("O_RDONLY", 0L), Map.entry("O_WRONLY", 1L),
            Map.entry("O_RDWR", 2L), Map.entry("O_NONBLOCK", 4L),
            Map.entry("POLLIN", 0x1L), Map.entry("POLLPRI", 0x2L), Map.entry("POLLOUT", 0x4L), Map.entry("POLLERR", 0x8L),
            Map.entry("POLLHUP", 0x10L), Map.entry("POLLNVAL", 0x20L), Map.entry("POLLRDNORM", 0x40L),
            Map.entry("POLLWRNORM", 0x4L), Map.entry("MSG_DONTWAIT", 0x80L), Map.entry("INADDR_ANY", 0L),
            // urgent data: packetdrill's FreeBSD table has MSG_OOB but not SIOCATMARK (_IOR('s', 7, int))
            Map.entry("MSG_OOB", 0x1L), Map.entry("SIOCATMARK", 0x40047307L), Map.entry("MSG_PEEK", 0x2L),
            // IP_TOS values (<netinet/ip.h>): the class selectors, assured forwarding, expedited forwarding, ECN
            Map.entry("IPTOS_DSCP_CS0", 0x00L), Map.entry("IPTOS_DSCP_CS1", 0x20L), Map.entry("IPTOS_DSCP_CS2", 0x40L),
            Map.entry("IPTOS_DSCP_CS3", 0x60L), Map.entry("IPTOS_DSCP_CS4", 0x80L), Map.entry("IPTOS_DSCP_CS5", 0xa0L),
            Map.entry("IPTOS_DSCP_CS6", 0xc0L), Map.entry("IPTOS_DSCP_CS7", 0xe0L), Map.entry("IPTOS_DSCP_AF11", 0x28L),
            Map.entry("IPTOS_DSCP_AF12", 0x30L), Map.entry("IPTOS_DSCP_AF13", 0x38L), Map.entry("IPTOS_DSCP_AF21", 0x48L),
            Map.entry("IPTOS_DSCP_AF22", 0x50L), Map.entry("IPTOS_DSCP_AF23", 0x58L), Map.entry("IPTOS_DSCP_AF31", 0x68L),
            Map.entry("IPTOS_DSCP_AF32", 0x70L), Map.entry("IPTOS_DSCP_AF33", 0x78L), Map.entry("IPTOS_DSCP_AF41", 0x88L),
            Map.entry("IPTOS_DSCP_AF42", 0x90L), Map.entry("IPTOS_DSCP_AF43", 0x98L), Map.entry("IPTOS_DSCP_EF", 0xb8L),
            Map.entry("IPTOS_LOWDELAY", 0x10L), Map.entry("IPTOS_THROUGHPUT", 0x08L), Map.entry("IPTOS_RELIABILITY", 0x04L),
            Map.entry("IPTOS_ECN_ECT1", 0x01L), Map.entry("IPTOS_ECN_ECT0", 0x02L), Map.entry("IPTOS_ECN_CE", 0x03L)));
    private static final long MSG_OOB = 0x1;
    private static final long MSG_PEEK = 0x2;
    private static final long POLLIN = 0x1;
    private static final long POLLOUT = 0x4;
    private static final long POLLERR = 0x8;
    private static final long POLLRDNORM = 0x40;
    private static final int FIRST_FD = 3;

    private final Target target;
    private final Connection conn;
    private final SyscallThread thread;
    private final Map<Integer, ScriptSocket> fds = new ConcurrentHashMap<>();
    private volatile ScriptSocket underTest;
    /** Sockets opened and not yet connected, listening or sent to with an address (script thread only). */
    private final java.util.Set<ScriptSocket> unconnected = new java.util.HashSet<>();

    Syscalls(Target target, Connection conn, SyscallThread thread) {
        this.target = target;
        this.conn = conn;
        this.thread = thread;
    }

    /** The socket asserts read: the last one connected or accepted (else the last one opened); null if none. */
    ScriptSocket underTest() { return underTest; }

    /** The script's open sockets (any thread). */
    java.util.Collection<ScriptSocket> openSockets() { return List.copyOf(fds.values()); }

    /** Closes every socket the script left open (at its end). */
    void closeAll() {
        for (ScriptSocket s : fds.values()) s.close();
        fds.clear();
    }

    /** The body of {@code e}, its arguments read now; a call or argument this runner cannot make fails the script. */
    SyscallThread.Body body(SyscallEvent e) {
        List<Expr> a = e.args();
        return switch (e.name()) {
            case "socket" -> {
                arity(e, 3);
                long type = integer(e, a.get(1));
                if (type != 1) throw fail(e, "only SOCK_STREAM sockets are supported");
                int fd = newFd(e);
                yield () -> {
                    ScriptSocket s = target.openTcp();
                    fds.put(fd, s);
                    synchronized (unconnected) {
                        unconnected.add(s);
                    }
                    if (underTest == null) underTest = s;
                    return fd;
                };
            }
            case "bind" -> {
                arity(e, 3);
                ScriptSocket s = socket(e, a.get(0));
                int port = port(e, a.get(1), Target.DEFAULT_PORT);
                conn.bound(port);
                yield () -> {
                    s.bind(Target.local(port));
                    return 0;
                };
            }
            case "listen" -> {
                arity(e, 2);
                ScriptSocket s = socket(e, a.get(0));
                int backlog = (int) integer(e, a.get(1));
                opened(s);
                conn.listening();
                yield () -> {
                    s.listen(backlog);
                    return 0;
                };
            }
            case "accept" -> {
                arity(e, 3);
                ScriptSocket s = socket(e, a.get(0));
                int fd = newFd(e);
                yield () -> {
                    ScriptSocket c = s.accept();
                    fds.put(fd, c);
                    underTest = c;
                    return fd;
                };
            }
            case "connect" -> {
                arity(e, 3);
                ScriptSocket s = socket(e, a.get(0));
                int port = port(e, a.get(1), Target.DEFAULT_PORT);
                opened(s);
                conn.connecting(port);
                underTest = s;
                yield () -> {
                    s.connect(Target.remote(port));
                    return 0;
                };
            }
            case "read", "recv" -> {
                arity(e, e.name().equals("read") ? 3 : 4);
                ScriptSocket s = socket(e, a.get(0));
                int len = (int) integer(e, a.get(2));
                long flags = a.size() == 4 ? integer(e, a.get(3)) : 0;
                if (flags == MSG_OOB) {
                    if (len < 1) throw fail(e, "recv with MSG_OOB needs room for the byte");
                    yield () -> {
                        s.readUrgent();
                        return 1;
                    };
                }
                if (flags == MSG_PEEK) {
                    yield () -> {
                        int n = s.peek(new byte[len], 0, len);
                        return n < 0 ? 0 : n;
                    };
                }
                if (flags != 0) throw fail(e, "recv flags other than 0, MSG_OOB and MSG_PEEK are not supported");
                yield () -> {
                    int n = s.read(new byte[len], 0, len);
                    return n < 0 ? 0 : n; // read(2) returns 0 at end of stream
                };
            }
            case "write", "send", "sendto" -> {
                arity(e, switch (e.name()) { case "write" -> 3; case "send" -> 4; default -> 6; });
                ScriptSocket s = socket(e, a.get(0));
                int len = (int) integer(e, a.get(2));
                long flags = a.size() > 3 ? integer(e, a.get(3)) : 0;
                if (flags == MSG_OOB) {
                    if (len != 1) throw fail(e, e.name() + " with MSG_OOB: only a single (urgent) byte is supported");
                    yield () -> {
                        s.sendUrgent((byte) 0); // a zero, as packetdrill writes
                        return 1;
                    };
                }
                if (flags != 0) throw fail(e, e.name() + " flags other than 0 and MSG_OOB are not supported");
                if (e.name().equals("sendto") && opened(s)) {
                    // an implied connect (TCP Fast Open's way to send data in the SYN)
                    int port = port(e, a.get(4), Target.DEFAULT_PORT);
                    conn.connecting(port);
                    underTest = s;
                    yield () -> s.sendTo(Target.remote(port), new byte[len], 0, len);
                }
                yield () -> s.write(new byte[len], 0, len); // zeros, as packetdrill writes
            }
            case "close" -> {
                arity(e, 1);
                int fd = (int) integer(e, a.get(0));
                yield () -> {
                    ScriptSocket s = fds.remove(fd);
                    if (s == null) throw new SocketError(Errno.EBADF);
                    s.close();
                    return 0;
                };
            }
            case "shutdown" -> {
                arity(e, 2);
                ScriptSocket s = socket(e, a.get(0));
                long how = integer(e, a.get(1));
                if (how < 0 || how > 2) throw fail(e, "shutdown's second argument must be SHUT_RD, SHUT_WR or SHUT_RDWR");
                yield () -> {
                    s.shutdown(how != 1, how != 0);
                    return 0;
                };
            }
            case "setsockopt" -> {
                arity(e, 5);
                ScriptSocket s = socket(e, a.get(0));
                if (a.get(2) instanceof Sym fb && fb.name().equals("TCP_FUNCTION_BLK")) {
                    functionBlock(e, a.get(1), a.get(3));
                    yield () -> 0;
                }
                SockOpt opt = option(e, a.get(1), a.get(2));
                int value = optionValue(e, opt, a.get(3));
                yield () -> {
                    s.setOption(opt, value);
                    return 0;
                };
            }
            case "getsockopt" -> {
                arity(e, 5);
                ScriptSocket s = socket(e, a.get(0));
                SockOpt opt = option(e, a.get(1), a.get(2));
                Expr want = a.get(3);
                Long expected = want instanceof Ellipsis ? null : (long) optionValue(e, opt, want);
                yield () -> {
                    int v = s.getOption(opt);
                    if (expected != null && v != expected) {
                        throw fail(e, "getsockopt " + opt + ": expected value " + show(opt, expected) + " but got " + show(opt, v));
                    }
                    return 0;
                };
            }
            case "fcntl" -> fcntl(e);
            case "ioctl" -> ioctl(e);
            case "poll" -> poll(e);
            default -> throw fail(e, "unsupported system call " + e.name() + "() (supported: socket, bind, listen, accept, "
                    + "connect, read, recv, write, send, sendto, close, shutdown, setsockopt, getsockopt, fcntl, ioctl, poll)");
        };
    }

    /** The socket leaves the unconnected ones; true if it was one of them. */
    private boolean opened(ScriptSocket s) {
        synchronized (unconnected) {
            return unconnected.remove(s);
        }
    }

    private SyscallThread.Body fcntl(SyscallEvent e) {
        if (e.args().size() < 2) throw fail(e, "fcntl takes (fd, F_GETFL) or (fd, F_SETFL, flags)");
        ScriptSocket s = socket(e, e.args().get(0));
        long cmd = integer(e, e.args().get(1));
        if (cmd == SYMBOLS.get("F_GETFL")) {
            return () -> SYMBOLS.get("O_RDWR") | (nonBlocking(s) ? SYMBOLS.get("O_NONBLOCK") : 0);
        }
        if (cmd != SYMBOLS.get("F_SETFL") || e.args().size() != 3) throw fail(e, "fcntl takes (fd, F_GETFL) or (fd, F_SETFL, flags)");
        boolean nonBlocking = (integer(e, e.args().get(2)) & SYMBOLS.get("O_NONBLOCK")) != 0;
        return () -> {
            s.configureBlocking(!nonBlocking);
            blocking.put(s, !nonBlocking);
            return 0;
        };
    }

    /** {@code ioctl(fd, SIOCATMARK, [N])}: 0, with N whether the next byte to read is at the urgent mark. */
    private SyscallThread.Body ioctl(SyscallEvent e) {
        arity(e, 3);
        ScriptSocket s = socket(e, e.args().get(0));
        if (integer(e, e.args().get(1)) != SYMBOLS.get("SIOCATMARK")) throw fail(e, "ioctl: only SIOCATMARK is supported");
        Expr want = e.args().get(2);
        Long expected = want instanceof Ellipsis ? null : integer(e, want);
        return () -> {
            int v = s.atMark() ? 1 : 0;
            if (expected != null && v != expected) throw fail(e, "Bad ioctl optval: expected: " + expected + " actual: " + v);
            return 0;
        };
    }

    private final Map<ScriptSocket, Boolean> blocking = new ConcurrentHashMap<>();

    private boolean nonBlocking(ScriptSocket s) { return !blocking.getOrDefault(s, true); }

    /** One entry of poll's array: the socket, the events asked for, and the revents expected (null: any). */
    private record PollEntry(ScriptSocket socket, long events, Long revents) {}

    private SyscallThread.Body poll(SyscallEvent e) {
        arity(e, 3);
        if (!(e.args().get(0) instanceof Array arr)) throw fail(e, "poll's first argument must be [{fd=N, events=..., revents=...}, ...]");
        List<PollEntry> entries = new ArrayList<>();
        for (Expr x : arr.elements()) {
            if (!(x instanceof Struct st) || !st.fields().containsKey("fd") || !st.fields().containsKey("events")) {
                throw fail(e, "each poll entry must be {fd=N, events=..., revents=...}");
            }
            Expr rev = st.fields().get("revents");
            entries.add(new PollEntry(socket(e, st.fields().get("fd")), integer(e, st.fields().get("events")),
                    rev == null || rev instanceof Ellipsis ? null : integer(e, rev)));
        }
        long timeoutMillis = integer(e, e.args().get(2));
        return () -> {
            Scheduler s = Scheduler.current();
            long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : s.nanoTime() + timeoutMillis * 1_000_000;
            Thread me = thread.thread();
            Pollable.Watcher wake = () -> s.unpark(me);
            for (PollEntry p : entries) p.socket().addWatcher(wake);
            try {
                while (true) {
                    long[] revents = new long[entries.size()];
                    int ready = 0;
                    for (int i = 0; i < revents.length; i++) {
                        revents[i] = revents(entries.get(i));
                        if (revents[i] != 0) ready++;
                    }
                    long left = deadline - s.nanoTime();
                    if (ready > 0 || left <= 0) {
                        for (int i = 0; i < revents.length; i++) {
                            Long want = entries.get(i).revents();
                            if (want != null && want != revents[i]) {
                                throw fail(e, "poll entry " + i + ": expected revents " + pollNames(want) + " but got " + pollNames(revents[i]));
                            }
                        }
                        return ready;
                    }
                    s.parkNanos(this, left);
                }
            } finally {
                for (PollEntry p : entries) p.socket().removeWatcher(wake);
            }
        };
    }

    private static long revents(PollEntry p) {
        int ops = p.socket().readyOps();
        long r = 0;
        if ((ops & EventQueue.READ) != 0) r |= p.events() & (POLLIN | POLLRDNORM);
        if ((ops & EventQueue.WRITE) != 0) r |= p.events() & POLLOUT;
        if ((ops & EventQueue.ERROR) != 0) r |= POLLERR; // reported whether asked for or not, as poll(2)
        return r;
    }

    private static String pollNames(long bits) {
        if (bits == 0) return "0";
        StringBuilder b = new StringBuilder();
        for (String n : List.of("POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDNORM")) {
            if ((bits & SYMBOLS.get(n)) != 0) b.append(b.isEmpty() ? "" : "|").append(n);
        }
        return b.toString();
    }

    // ---- arguments --------------------------------------------------------------------------------------

    private ScriptFailure fail(SyscallEvent e, String message) {
        return new ScriptFailure(Outcome.Kind.SYSCALL, e.line(), message);
    }

    private void arity(SyscallEvent e, int n) {
        if (e.args().size() != n) throw fail(e, e.name() + "() takes " + n + " arguments, found " + e.args().size());
    }

    /** The script fd a new socket gets: the expected result when the script gives one, else the lowest free. */
    private int newFd(SyscallEvent e) {
        if (e.result() instanceof Num n && n.value() >= 0) return (int) n.value();
        int fd = FIRST_FD;
        while (fds.containsKey(fd)) fd++;
        return fd;
    }

    private ScriptSocket socket(SyscallEvent e, Expr fdExpr) {
        int fd = (int) integer(e, fdExpr);
        ScriptSocket s = fds.get(fd);
        if (s == null) throw fail(e, e.name() + ": fd " + fd + " is not an open socket of this script");
        return s;
    }

    /** A sockaddr argument's port: {@code ...} gives {@code dflt}; {@code {..., sin_port=htons(N)}} gives N. */
    private int port(SyscallEvent e, Expr addr, int dflt) {
        if (addr instanceof Ellipsis) return dflt;
        if (addr instanceof Struct st && st.fields().get("sin_port") != null) return (int) integer(e, st.fields().get("sin_port"));
        throw fail(e, "expected ... or {sa_family=AF_INET, sin_port=htons(N), ...} for the address");
    }

    long integer(SyscallEvent e, Expr x) {
        return switch (x) {
            case Num n -> n.value();
            case Sym s -> {
                Long v = SYMBOLS.get(s.name());
                if (v != null) yield v;
                Errno errno = errno(s.name());
                if (errno != null) yield errno.number();
                throw fail(e, "unknown name " + s.name() + " in " + e.name() + "()");
            }
            case BitOr o -> {
                long v = 0;
                for (Expr t : o.terms()) v |= integer(e, t);
                yield v;
            }
            case Array arr when arr.elements().size() == 1 -> integer(e, arr.elements().getFirst());
            case Call c when c.name().equals("htons") && c.args().size() == 1 -> integer(e, c.args().getFirst());
            default -> throw fail(e, "expected an integer argument in " + e.name() + "(), found " + x);
        };
    }

    static Errno errno(String name) {
        if (name.equals("EWOULDBLOCK")) return Errno.EAGAIN;
        try {
            return Errno.valueOf(name);
        } catch (IllegalArgumentException notOne) {
            return null;
        }
    }

    private SockOpt option(SyscallEvent e, Expr levelExpr, Expr nameExpr) {
        long level = integer(e, levelExpr);
        if (!(nameExpr instanceof Sym sym)) throw fail(e, "expected an option name (SO_..., TCP_...) in " + e.name() + "()");
        SockOpt opt;
        try {
            opt = SockOpt.valueOf(sym.name());
        } catch (IllegalArgumentException unknown) {
            throw fail(e, "unsupported socket option " + sym.name() + " (supported: "
                    + String.join(", ", java.util.Arrays.stream(SockOpt.values()).map(Enum::name).toList()) + ")");
        }
        String levelName = switch (opt.level()) {
            case SOCKET -> "SOL_SOCKET";
            case TCP -> "IPPROTO_TCP";
            case IP -> "IPPROTO_IP";
        };
        if (level != SYMBOLS.get(levelName)) throw fail(e, opt + " is an option of level " + levelName);
        return opt;
    }

    /**
     * {@code setsockopt(fd, IPPROTO_TCP, TCP_FUNCTION_BLK, {function_set_name="freebsd", pcbcnt=0}, 36)}: FreeBSD's
     * choice of TCP stack for the connection. smpnet has one, FreeBSD's default ("freebsd"): choosing it changes
     * nothing; another name is refused as the script's error (smpnet has no other stack to switch to).
     */
    private void functionBlock(SyscallEvent e, Expr levelExpr, Expr value) {
        if (integer(e, levelExpr) != SYMBOLS.get("IPPROTO_TCP")) throw fail(e, "TCP_FUNCTION_BLK is an option of level IPPROTO_TCP");
        Expr name = value instanceof Struct st ? st.fields().get("function_set_name") : null;
        if (!(name instanceof Script.Str str)) {
            throw fail(e, "TCP_FUNCTION_BLK's value is {function_set_name=\"NAME\", pcbcnt=N}");
        }
        if (!str.text().equals("freebsd")) {
            throw fail(e, "TCP_FUNCTION_BLK: smpnet's TCP is FreeBSD's default stack \"freebsd\" only, not \"" + str.text() + "\"");
        }
    }

    /** An option's value: {@code [N]}, N, or for SO_LINGER {@code {l_onoff=1, l_linger=N}} (off is -1). */
    private int optionValue(SyscallEvent e, SockOpt opt, Expr v) {
        Expr x = v instanceof Array arr && arr.elements().size() == 1 ? arr.elements().getFirst() : v;
        if (opt == SockOpt.SO_LINGER && x instanceof Struct st) {
            Expr on = st.fields().getOrDefault("l_onoff", st.fields().get("onoff"));
            Expr secs = st.fields().getOrDefault("l_linger", st.fields().get("linger"));
            if (on == null || secs == null) throw fail(e, "SO_LINGER's value is {l_onoff=0|1, l_linger=N}");
            return integer(e, on) == 0 ? -1 : (int) integer(e, secs);
        }
        return (int) integer(e, x);
    }

    private static String show(SockOpt opt, long v) {
        if (opt == SockOpt.SO_ERROR && v != 0) {
            Errno errno = Errno.ofNumber((int) v);
            if (errno != null) return v + " (" + errno.name() + ")";
        }
        return Long.toString(v);
    }
}
