package smpnet.sim.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import smpnet.locking.Scheduler;
import smpnet.sim.packetdrill.Outcome.Kind;
import smpnet.sim.packetdrill.Script.CodeEvent;
import smpnet.sim.packetdrill.Script.CommandEvent;
import smpnet.sim.packetdrill.Script.Direction;
import smpnet.sim.packetdrill.Script.Event;
import smpnet.sim.packetdrill.Script.IcmpSpec;
import smpnet.sim.packetdrill.Script.Num;
import smpnet.sim.packetdrill.Script.OptionKind;
import smpnet.sim.packetdrill.Script.PacketEvent;
import smpnet.sim.packetdrill.Script.SyscallEvent;
import smpnet.sim.packetdrill.Script.TcpOption;
import smpnet.sim.packetdrill.Script.TcpSpec;
import smpnet.sim.packetdrill.Script.TimeKind;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.TcpInfo;

/**
 * One run of a script, on the script's thread of a deterministic run: events in order, each at its time on
 * the run's virtual clock. Inbound packets are built and injected at their time; an outbound packet is the
 * next one the host sent, compared field by field and then checked for time; system calls go to the
 * {@link SyscallThread} (a call that blocks lets the script go on, and its result and end time are checked
 * when it returns); commands ({@link Commands}) and asserts run on this thread. The first mismatch throws
 * {@link ScriptFailure}.
 *
 * <p>Timing follows packetdrill: a relative time counts from when the previous event was done (an outbound
 * packet: when it left; a blocking call: when it started), except that consecutive inbound packets count
 * from each other's script times; a blocking call's {@code ...END} counts from the same point as its start.
 */
final class Execution {
    /** How long a {@code *} packet is waited for. */
    private static final long ANY_TIME_LIMIT_USECS = 600_000_000L;
    /** How long past its time an outbound packet is waited for before it is missing. */
    private static final long MISSING_AFTER_USECS = 2_000_000L;

    private final Script script;
    private final Target target;
    private final Capture capture;
    private final Scheduler sched = Scheduler.current();
    private final long tol;
    private final Connection conn = new Connection();
    private final SyscallThread thread = new SyscallThread();
    private final Syscalls calls;
    private final Commands commands;
    private final long startNanos;
    private Event previous;
    private long previousUsecs;
    /** The blocking call in progress, or null. */
    private Pending pending;

    private record Pending(SyscallEvent event, long endUsecs) {}

    Execution(Script script, Target target, Capture capture) {
        this.script = script;
        this.target = target;
        this.capture = capture;
        this.tol = script.options().toleranceUsecs();
        this.calls = new Syscalls(target, conn, thread);
        this.commands = new Commands(target, calls, this::settle);
        this.startNanos = sched.nanoTime();
    }

    /** Runs every event; throws {@link ScriptFailure} at the first mismatch. Closes the script's sockets. */
    void run() {
        thread.start();
        try {
            java.util.List<Event> events = script.events();
            int first = 0;
            // Sysctl lines at time 0 before any other event are boot-time settings: they run before the host
            // starts, so a tunable that is read-only on a running host (FreeBSD's CTLFLAG_RDTUN) can be set.
            for (; first < events.size() && events.get(first) instanceof CommandEvent c && atBoot(c); first++) {
                command(c, 0);
                previous = c;
                previousUsecs = 0;
            }
            target.boot();
            for (Event e : events.subList(first, events.size())) {
                checkPending(false);
                long offset = offsetFor(e);
                long t = e.timing().startUsecs() + offset;
                switch (e) {
                    case PacketEvent p when p.direction() == Direction.INBOUND -> inbound(p, t);
                    case PacketEvent p -> outbound(p, t, e.timing().endUsecs() + offset);
                    case SyscallEvent s -> nonFatalIfAsked(() -> syscall(s, t, offset));
                    case CommandEvent c -> command(c, t);
                    case CodeEvent c -> code(c, t);
                }
                previous = e;
                previousUsecs = t;
            }
            checkPending(true);
            if (previous != null) checkUnexpected(previous.line(), previousUsecs);
        } finally {
            calls.closeAll();
            thread.stop();
        }
    }

    /** A command the script runs at its start (time 0, absolute or relative to the start). */
    private static boolean atBoot(CommandEvent c) {
        TimeKind k = c.timing().kind();
        return (k == TimeKind.ABSOLUTE || k == TimeKind.RELATIVE) && c.timing().startUsecs() == 0;
    }

    /** What the event's written time is relative to (0 for an absolute time). */
    private long offsetFor(Event e) {
        TimeKind k = e.timing().kind();
        if (k == TimeKind.ABSOLUTE || k == TimeKind.ABSOLUTE_RANGE) return 0;
        if (isInbound(previous) && isInbound(e)) return previousUsecs;
        return nowUsecs();
    }

    private static boolean isInbound(Event e) { return e instanceof PacketEvent p && p.direction() == Direction.INBOUND; }

    private long nowUsecs() { return (sched.nanoTime() - startNanos) / 1000; }

    private long nanosAt(long usecs) { return startNanos + usecs * 1000; }

    private void sleepUntil(long usecs) {
        long until = nanosAt(usecs);
        while (sched.nanoTime() < until) sched.parkNanos(this, until - sched.nanoTime());
    }

    /**
     * Lets every other thread run until all are blocked, without moving the clock: whatever the host does at
     * this instant (answering a packet, finishing a call) is done when this returns. A park that ends at the
     * present ends only when no other thread can run; a few rounds cover timers that fall due meanwhile.
     */
    private void settle() {
        for (int i = 0; i < 3; i++) sched.parkNanos(this, 0);
    }

    private String file() { return script.file(); }

    private static String secs(long usecs) { return String.format(Locale.ROOT, "%.6f", usecs / 1e6); }

    /** packetdrill's timing check: the event at {@code actual} for script time {@code expected} (or a range). */
    private void checkTime(Event e, String what, long actual, long expected, long expectedEnd) {
        if (e.timing().kind() == TimeKind.ANY) return;
        boolean range = expectedEnd >= 0 && (e.timing().kind() == TimeKind.ABSOLUTE_RANGE || e.timing().kind() == TimeKind.RELATIVE_RANGE);
        long hi = range ? expectedEnd : expected;
        if (actual < expected - tol || actual > hi + tol) {
            String when = range ? "in time range " + secs(expected) + "~" + secs(expectedEnd) + " sec" : "at " + secs(expected) + " sec";
            throw new ScriptFailure(Kind.TIMING, e.line(), file() + ":" + e.line() + ": timing error: expected " + what + " "
                    + when + " but happened at " + secs(actual) + " sec; tolerance " + secs(tol) + " sec");
        }
    }

    /**
     * A packet the host sent more than the tolerance before {@code usecs} that no outbound line took, found
     * at script line {@code line}.
     */
    private void checkUnexpected(int line, long usecs) {
        Capture.Sent s = peekSent();
        if (s == null) return;
        long at = (s.nanos() - startNanos) / 1000;
        if (at >= usecs - tol) return;
        Segment seg = Segment.decode(s.packet());
        throw new ScriptFailure(Kind.PACKET, line, file() + ":" + line + ": error handling packet: unexpected outbound packet\n"
                + "actual packet:  " + secs(at) + " " + (seg == null ? describeNonTcp(s.packet()) : scriptView(seg, null).format(true)));
    }

    // ---- packets ----------------------------------------------------------------------------------------

    /** The oldest packet the host sent that the script sees, left in place; null if none. */
    private Capture.Sent peekSent() {
        Capture.Sent s;
        while ((s = capture.peek()) != null && notTheScripts(s.packet())) capture.await(0);
        return s;
    }

    /** The oldest packet the host sent that the script sees, waiting for one until {@code deadlineNanos}. */
    private Capture.Sent awaitSent(long deadlineNanos) {
        Capture.Sent s;
        do {
            s = capture.await(deadlineNanos);
        } while (s != null && notTheScripts(s.packet()));
        return s;
    }

    /**
     * With --udp_encapsulation=tcp, a destination unreachable the host sends (a UDP datagram to a port with no
     * socket, such as one to a tunneling port other than the host's) is not the script's: packetdrill sees the
     * connection's segments, plain or over UDP, only.
     */
    private boolean notTheScripts(byte[] ip) {
        return script.options().udpEncapsulation() && ip.length > 20 && (ip[9] & 0xFF) == 1 && (ip[20] & 0xFF) == 3;
    }

    private void inbound(PacketEvent p, long t) {
        sleepUntil(t);
        checkTime(p, "inbound packet", nowUsecs(), t, -1);
        checkUnexpected(p.line(), t);
        byte[] packet = switch (p.packet()) {
            case TcpSpec s -> inboundTcp(s, p.line());
            case IcmpSpec i when i.echoedUdpSrc() >= 0 -> Packets.icmpErrorAboutUdp(Target.REMOTE_IP, Target.LOCAL_IP,
                    i.type(), i.code(), i.mtu(), Target.LOCAL_IP, Target.REMOTE_IP, i.echoedUdpSrc(), i.echoedUdpDst(),
                    conn.localPort, conn.remotePort, i.echoedSeq() < 0 ? 0 : conn.localToLive(i.echoedSeq()), i.echoedLen());
            case IcmpSpec i -> Packets.icmpError(Target.REMOTE_IP, Target.LOCAL_IP, i.type(), i.code(), i.mtu(),
                    Target.LOCAL_IP, Target.REMOTE_IP, conn.localPort, conn.remotePort,
                    i.echoedSeq() < 0 ? 0 : conn.localToLive(i.echoedSeq()), i.echoedLen());
        };
        if (p.tos() != null) Packets.setTos(packet, p.tos());
        if (p.ecn() != null) Packets.setEcn(packet, p.ecn());
        if (p.ttl() != null) Packets.setTtl(packet, p.ttl());
        target.inject(packet);
        settle(); // as a kernel's packet injection, the host has taken the packet in before the next line
    }

    private byte[] inboundTcp(TcpSpec s, int line) {
        if ((s.flags() & Segment.SYN) != 0 && (s.flags() & Segment.ACK) == 0) conn.inboundSyn();
        List<TcpOption> opts = new ArrayList<>();
        for (TcpOption o : s.options()) {
            opts.add(switch (o.kind()) {
                case SACK -> {
                    long[] live = o.blocks().clone();
                    for (int i = 0; i < live.length; i++) live[i] = conn.localToLive(live[i]);
                    yield new TcpOption(OptionKind.SACK, 0, 0, live);
                }
                case TIMESTAMP -> new TcpOption(OptionKind.TIMESTAMP, o.a(), (s.flags() & Segment.ACK) != 0 ? conn.tsEcrToLive(o.b()) : o.b(), null);
                default -> o;
            });
        }
        long ack = s.ack() == null ? 0 : conn.localToLive(s.ack());
        byte[] p = Packets.tcp(Target.REMOTE_IP, Target.LOCAL_IP, conn.remotePort, conn.localPort, s.flags(), s.seq(), ack,
                s.window(), s.urgentPointer(), opts, s.length());
        for (TcpOption o : opts) {
            if (o.kind() == OptionKind.MD5) Packets.signTcp(p, md5Key(line), o.a() == 1);
        }
        return s.encapsulated() ? Packets.udpEncapsulated(p, s.udpSrc(), s.udpDst()) : p;
    }

    private void outbound(PacketEvent p, long t, long tEnd) {
        TcpSpec want = (TcpSpec) p.packet();
        boolean any = p.timing().kind() == TimeKind.ANY;
        // As packetdrill, wait up to 2 s past the expected time: a packet later than the tolerance is a timing
        // error, one later than that is missing.
        long last = any ? nowUsecs() + ANY_TIME_LIMIT_USECS
                : (tEnd >= 0 && p.timing().endUsecs() >= 0 ? tEnd : t) + Math.max(tol, MISSING_AFTER_USECS);
        Capture.Sent got = awaitSent(nanosAt(last));
        String scriptLine = "script packet:  " + (any ? "*" : secs(t)) + " " + formatSpec(want);
        if (got == null) {
            throw new ScriptFailure(Kind.PACKET, p.line(), file() + ":" + p.line()
                    + ": error handling packet: timed out waiting for packet\n" + scriptLine);
        }
        long at = (got.nanos() - startNanos) / 1000;
        Segment live = md5Judged(Segment.decode(got.packet()), got.packet(), p.line());
        if (live == null) {
            throw new ScriptFailure(Kind.PACKET, p.line(), file() + ":" + p.line() + ": error handling packet: expected a TCP segment\n"
                    + scriptLine + "\nactual packet:  " + secs(at) + " " + describeNonTcp(got.packet()));
        }
        if ((live.flags() & Segment.SYN) != 0) {
            conn.outboundSyn(live.seq(), want.seq() == TcpSpec.ANY_SEQ ? 0 : want.seq(), live.srcPort());
        }
        Segment seen = scriptView(live, want);
        String problem = mismatch(want, seen, live);
        if (problem != null) {
            throw new ScriptFailure(Kind.PACKET, p.line(), file() + ":" + p.line() + ": error handling packet: " + problem + "\n"
                    + scriptLine + "\nactual packet:  " + secs(at) + " " + seen.format(true));
        }
        int ecn = got.packet()[1] & 0x3;
        if (p.ecn() != null && ecn != p.ecn()) {
            throw new ScriptFailure(Kind.PACKET, p.line(), file() + ":" + p.line() + ": error handling packet: live packet field "
                    + "ip_ecn: expected: " + PacketEvent.ecnName(p.ecn()) + " vs actual: " + PacketEvent.ecnName(ecn) + "\n"
                    + scriptLine + "\nactual packet:  " + secs(at) + " " + seen.format(true));
        }
        int tos = got.packet()[1] & 0xFF;
        int ttl = got.packet()[8] & 0xFF;
        String ipField = p.tos() != null && tos != p.tos() ? String.format("ip_tos: expected: 0x%x vs actual: 0x%x", p.tos(), tos)
                : p.ttl() != null && ttl != p.ttl() ? "ip_ttl: expected: " + p.ttl() + " vs actual: " + ttl : null;
        if (ipField != null) {
            throw new ScriptFailure(Kind.PACKET, p.line(), file() + ":" + p.line() + ": error handling packet: live packet field "
                    + ipField + "\n" + scriptLine + "\nactual packet:  " + secs(at) + " " + seen.format(true));
        }
        checkTime(p, "outbound packet", at, t, tEnd);
    }

    /** The key of --tcp_md5_secret, for a script with {@code md5} options. */
    private byte[] md5Key(int line) {
        String k = script.options().tcpMd5Secret();
        if (k == null) throw new ScriptFailure(Kind.ERROR, line, file() + ":" + line + ": an md5 option needs --tcp_md5_secret=KEY");
        return k.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@code live} with its signature option judged against the live packet: {@code md5 valid} or {@code md5 invalid}. */
    private Segment md5Judged(Segment live, byte[] ip, int line) {
        if (live == null || live.options().stream().noneMatch(o -> o.kind() == OptionKind.MD5)) return live;
        boolean valid = script.options().tcpMd5Secret() != null
                && java.util.Arrays.equals(Packets.md5Signature(ip, md5Key(line)),
                        java.util.Arrays.copyOfRange(ip, Packets.md5DigestOffset(ip), Packets.md5DigestOffset(ip) + 16));
        List<TcpOption> opts = new ArrayList<>();
        for (TcpOption o : live.options()) opts.add(o.kind() == OptionKind.MD5 ? new TcpOption(OptionKind.MD5, valid ? 1 : 0, 0, null) : o);
        return new Segment(live.srcIp(), live.dstIp(), live.srcPort(), live.dstPort(), live.flags(), live.seq(), live.ack(),
                live.window(), live.urgentPointer(), List.copyOf(opts), live.optionsMalformed(), live.payload(), live.udpSrc(),
                live.udpDst());
    }

    /** The live segment in script space (sequence numbers and TS val mapped); {@code want} gives TS val's script value. */
    private Segment scriptView(Segment live, TcpSpec want) {
        long wantTsVal = 0;
        if (want != null && want.options() != null) {
            for (TcpOption o : want.options()) if (o.kind() == OptionKind.TIMESTAMP) wantTsVal = o.a();
        }
        List<TcpOption> opts = new ArrayList<>();
        for (TcpOption o : live.options()) {
            opts.add(o.kind() == OptionKind.TIMESTAMP && want != null
                    ? new TcpOption(OptionKind.TIMESTAMP, conn.tsValToScript(o.a(), wantTsVal), o.b(), null) : o);
        }
        return new Segment(live.srcIp(), live.dstIp(), live.srcPort(), live.dstPort(), live.flags(),
                conn.localToScript(live.seq()), live.ack(), live.window(), live.urgentPointer(), List.copyOf(opts),
                live.optionsMalformed(), live.payload(), live.udpSrc(), live.udpDst());
    }

    /** The first field where {@code seen} (script space) differs from {@code want}, in packetdrill's words; null if none. */
    private String mismatch(TcpSpec want, Segment seen, Segment live) {
        if (live.srcIp() != Target.LOCAL_IP || live.dstIp() != Target.REMOTE_IP) {
            return "live packet addresses: expected " + Target.address(Target.LOCAL_IP) + " > " + Target.address(Target.REMOTE_IP)
                    + " vs actual " + Target.address(live.srcIp()) + " > " + Target.address(live.dstIp());
        }
        if (live.srcPort() != conn.localPort || live.dstPort() != conn.remotePort) {
            return "live packet ports: expected " + conn.localPort + " > " + conn.remotePort + " vs actual "
                    + live.srcPort() + " > " + live.dstPort();
        }
        if (want.udpSrc() != live.udpSrc() || want.udpDst() != live.udpDst()) {
            return "live packet encapsulation: expected " + encapsulation(want.udpSrc(), want.udpDst()) + " vs actual "
                    + encapsulation(live.udpSrc(), live.udpDst());
        }
        if (seen.flags() != want.flags()) {
            return "live packet field tcp_flags: expected: " + Segment.flagsText(want.flags()) + " vs actual: " + Segment.flagsText(seen.flags());
        }
        if (want.seq() != TcpSpec.ANY_SEQ && seen.seq() != want.seq()) return field("tcp_seq", want.seq(), seen.seq());
        if (seen.length() != want.length()) {
            return "live packet payload: expected " + want.length() + " bytes vs actual " + seen.length() + " bytes";
        }
        if ((want.flags() & Segment.ACK) != 0 && want.ack() != null && seen.ack() != want.ack()) {
            return field("tcp_ack_seq", want.ack(), seen.ack());
        }
        if (want.window() != null && seen.window() != want.window()) return field("tcp_window", want.window(), seen.window());
        if (seen.urgentPointer() != want.urgentPointer()) return field("tcp_urg_ptr", want.urgentPointer(), seen.urgentPointer());
        if (want.options() != null) {
            String o = optionsMismatch(want.options(), seen);
            if (o != null) return o;
        }
        for (byte b : seen.payload()) {
            if (b != 0) return "incorrect outbound data payload";
        }
        return null;
    }

    /** How a segment travels: {@code /udp(SRC > DST)} over UDP, or plain TCP. */
    private static String encapsulation(int udpSrc, int udpDst) {
        return udpSrc < 0 ? "plain TCP" : "/udp(" + udpSrc + " > " + udpDst + ")";
    }

    private static String field(String name, long want, long got) {
        return "live packet field " + name + ": expected: " + want + " (0x" + Long.toHexString(want) + ") vs actual: "
                + got + " (0x" + Long.toHexString(got) + ")";
    }

    private String optionsMismatch(List<TcpOption> want, Segment seen) {
        List<TcpOption> got = seen.options();
        if (seen.optionsMalformed()) return "bad outbound TCP options: malformed after " + Segment.formatOptions(got);
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            if (i >= want.size() || i >= got.size() || want.get(i).kind() != got.get(i).kind()) {
                return "bad outbound TCP options: expected " + Segment.formatOptions(want) + " vs actual " + Segment.formatOptions(got);
            }
            TcpOption w = want.get(i);
            TcpOption g = got.get(i);
            boolean same = switch (w.kind()) {
                case EOL, NOP, SACK_OK -> true;
                case MSS, WSCALE -> w.a() == g.a();
                case SACK, FAST_OPEN -> java.util.Arrays.equals(w.blocks(), g.blocks());
                case MD5 -> w.a() == g.a(); // md5Judged found whether the live digest is right
                // packetdrill checks TS val only with --tcp_ts_tick_usecs; the echo is the peer's own value, checked exactly
                case TIMESTAMP -> w.b() == g.b() && (script.options().tsTickUsecs() == 0
                        || Math.abs(w.a() - g.a()) * script.options().tsTickUsecs() <= tol);
            };
            if (!same) {
                return "bad value in outbound TCP option " + (i + 1) + ": expected: " + Segment.formatOption(w)
                        + " actual: " + Segment.formatOption(g);
            }
        }
        return null;
    }

    private static String formatSpec(TcpSpec s) {
        StringBuilder b = new StringBuilder(s.flagsText()).append(' ');
        if (s.seq() == TcpSpec.ANY_SEQ) b.append("...");
        else b.append(s.seq()).append(':').append((s.seq() + s.length()) & 0xFFFF_FFFFL);
        b.append('(').append(s.length()).append(')');
        if (s.ack() != null) b.append(" ack ").append(s.ack());
        if (s.window() != null) b.append(" win ").append(s.window());
        if ((s.flags() & Segment.URG) != 0 || s.urgentPointer() != 0) b.append(" urg ").append(s.urgentPointer());
        if (s.options() == null || !s.options().isEmpty()) b.append(' ').append(Segment.formatOptions(s.options()));
        if (s.encapsulated()) b.append(encapsulation(s.udpSrc(), s.udpDst()));
        return b.toString();
    }

    private static String describeNonTcp(byte[] ip) {
        if (ip.length >= 20 && (ip[9] & 0xFF) == 1) {
            return "icmp type " + (ip.length > 20 ? ip[20] & 0xFF : -1) + " code " + (ip.length > 21 ? ip[21] & 0xFF : -1);
        }
        return "IPv4 protocol " + (ip.length >= 20 ? ip[9] & 0xFF : -1) + ", " + ip.length + " bytes";
    }

    // ---- system calls -----------------------------------------------------------------------------------

    private void syscall(SyscallEvent s, long t, long offset) {
        sleepUntil(t);
        checkTime(s, "system call start", nowUsecs(), t, -1);
        checkUnexpected(s.line(), t);
        if (pending != null) checkPending(true);
        SyscallThread.Body body;
        try {
            body = calls.body(s);
        } catch (ScriptFailure f) { // a call or an argument this runner cannot make
            throw new ScriptFailure(f.failure.kind(), s.line(), file() + ":" + s.line() + ": " + f.failure.message());
        }
        long end = s.endUsecs() < 0 ? -1 : s.timing().kind() == TimeKind.RELATIVE ? s.endUsecs() + offset : s.endUsecs();
        thread.submit(body);
        settle();
        SyscallThread.Completion c = thread.await(sched.nanoTime());
        if (c != null) {
            verify(s, c, end);
        } else if (end < 0) {
            throw new ScriptFailure(Kind.SYSCALL, s.line(), file() + ":" + s.line() + ": runtime error in " + s.name()
                    + " call: the call blocked; a call that may block needs a time range (+0...END)");
        } else {
            pending = new Pending(s, end);
        }
    }

    /**
     * Runs {@code call}; with --non_fatal=syscall a system call's failure (kind SYSCALL) is printed as a
     * warning and the script goes on.
     */
    private void nonFatalIfAsked(Runnable call) {
        try {
            call.run();
        } catch (ScriptFailure f) {
            if (!script.options().nonFatalSyscalls() || f.failure.kind() != Kind.SYSCALL) throw f;
            System.err.println("warning (--non_fatal=syscall): " + f.failure.message());
        }
    }

    /** Checks the blocking call in progress if it has returned; {@code waitForIt}: wait until its end (plus tolerance). */
    private void checkPending(boolean waitForIt) {
        nonFatalIfAsked(() -> checkPendingCall(waitForIt));
    }

    private void checkPendingCall(boolean waitForIt) {
        if (pending == null) return;
        SyscallThread.Completion c = thread.await(waitForIt ? nanosAt(pending.endUsecs() + tol) : sched.nanoTime());
        if (c == null) {
            if (!waitForIt) return;
            SyscallEvent s = pending.event();
            throw new ScriptFailure(Kind.TIMING, s.line(), file() + ":" + s.line() + ": timing error: expected system call return at "
                    + secs(pending.endUsecs()) + " sec but it was still blocked at " + secs(nowUsecs()) + " sec; tolerance "
                    + secs(tol) + " sec");
        }
        Pending p = pending;
        pending = null;
        verify(p.event(), c, p.endUsecs());
    }

    private void verify(SyscallEvent s, SyscallThread.Completion c, long end) {
        String where = file() + ":" + s.line() + ": runtime error in " + s.name() + " call: ";
        if (c.failure() instanceof ScriptFailure f) {
            throw new ScriptFailure(f.failure.kind(), s.line(), where + f.failure.message());
        }
        if (c.failure() != null) {
            throw new ScriptFailure(Kind.ERROR, s.line(), where + "the stack threw " + c.failure());
        }
        String got = c.errno() != null ? "-1 with errno " + c.errno().name() + " (" + c.errno().text() + ")" : Long.toString(c.result());
        if (s.result() instanceof Num n) {
            boolean newFd = s.name().equals("socket") || s.name().equals("accept");
            if (n.value() == -1 && s.errno() != null) {
                Errno want = Syscalls.errno(s.errno());
                if (want == null) throw new ScriptFailure(Kind.SYSCALL, s.line(), where + "unknown errno " + s.errno());
                if (c.errno() != want) {
                    throw new ScriptFailure(Kind.SYSCALL, s.line(), where + "expected result -1 with errno " + want.name()
                            + " (" + want.text() + ") but got " + got);
                }
            } else if (c.errno() != null || (!newFd && c.result() != n.value())) {
                throw new ScriptFailure(Kind.SYSCALL, s.line(), where + "expected result " + n.value() + " but got " + got);
            }
        } else if (!(s.result() instanceof Script.Ellipsis)) {
            long want = calls.integer(s, s.result());
            if (c.errno() != null || c.result() != want) {
                throw new ScriptFailure(Kind.SYSCALL, s.line(), where + "expected result " + want + " but got " + got);
            }
        }
        if (end >= 0) {
            long at = (c.nanos() - startNanos) / 1000;
            if (Math.abs(at - end) > tol) {
                throw new ScriptFailure(Kind.TIMING, s.line(), file() + ":" + s.line() + ": timing error: expected system call return at "
                        + secs(end) + " sec but happened at " + secs(at) + " sec; tolerance " + secs(tol) + " sec");
            }
        }
    }

    // ---- commands and asserts ---------------------------------------------------------------------------

    private void command(CommandEvent c, long t) {
        sleepUntil(t);
        checkTime(c, "command", nowUsecs(), t, -1);
        commands.run(c, file() + ":" + c.line() + ": error executing `" + c.command().strip() + "` command: ");
    }

    private void code(CodeEvent c, long t) {
        sleepUntil(t);
        checkTime(c, "data collection for code", nowUsecs(), t, -1);
        settle();
        ScriptSocket s = calls.underTest();
        String where = file() + ":" + c.line() + ": ";
        try {
            TcpInfo info = s == null ? null : s.info();
            String failed = InfoAssert.check(c.code(), info);
            if (failed != null) throw new ScriptFailure(Kind.ASSERT, c.line(), where + "AssertionError: " + failed);
        } catch (IllegalArgumentException e) {
            throw new ScriptFailure(Kind.ASSERT, c.line(), where + "error in %{ }% block: " + e.getMessage());
        }
    }
}
