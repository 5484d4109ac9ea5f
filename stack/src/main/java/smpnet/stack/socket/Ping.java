package smpnet.stack.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import smpnet.locking.CondVar;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.GuardedBy;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.ip.IpOutput;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.internal.wire.Checksum;
import smpnet.stack.internal.wire.IcmpHeader;
import smpnet.stack.internal.wire.Ipv4Header;
import smpnet.stack.internal.icmp.Icmp;

/**
 * A small ping(8): sends echo requests with increasing sequence numbers, each carrying its send time
 * (the scheduler's clock) in the first 8 data bytes, and measures the round trip of every reply.
 *
 * <p>Locking key: replies arrive in netisr context and are queued under the session's receive-buffer
 * lock ({@code so_rcv}: a ping is a raw socket), where the pinging thread waits on its condition variable.
 */
public final class Ping {
    private static final AtomicInteger NEXT_ID = new AtomicInteger(0x5a00);
    private static final int STAMP = 8;

    /** One answered request. */
    public record Reply(int sequence, int from, long rttNanos) {}

    /** The outcome of a run, with ping's summary numbers (RTT in nanoseconds). */
    public record Result(int transmitted, List<Reply> replies, List<String> errors) {
        public int received() { return replies.size(); }

        public long minRtt() { return replies.stream().mapToLong(Reply::rttNanos).min().orElse(0); }

        public long maxRtt() { return replies.stream().mapToLong(Reply::rttNanos).max().orElse(0); }

        public long avgRtt() { return (long) replies.stream().mapToLong(Reply::rttNanos).average().orElse(0); }

        /** Mean deviation of the RTT, as ping prints it ("mdev"). */
        public long mdevRtt() {
            long avg = avgRtt();
            return (long) replies.stream().mapToLong(r -> Math.abs(r.rttNanos() - avg)).average().orElse(0);
        }

        /** ping's last two lines: counts and loss, then min/avg/max/mdev in milliseconds. */
        public String summary() {
            int loss = transmitted == 0 ? 0 : 100 * (transmitted - received()) / transmitted;
            return String.format("%d packets transmitted, %d received, %d%% packet loss%n"
                            + "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms",
                    transmitted, received(), loss, minRtt() / 1e6, avgRtt() / 1e6, maxRtt() / 1e6, mdevRtt() / 1e6);
        }
    }

    private final Icmp icmp;
    private final Scheduler scheduler;
    private final ExclusiveLock lock;
    private final CondVar arrived = new CondVar("pingwait");
    private volatile int ttl = IpOutput.DEFAULT_TTL;
    private volatile boolean dontFragment;
    @GuardedBy("so_rcv") private final List<Reply> replies = new ArrayList<>();
    @GuardedBy("so_rcv") private final List<String> errors = new ArrayList<>();

    public Ping(Icmp icmp, StackLocks locks, Scheduler scheduler) {
        this.icmp = icmp;
        this.scheduler = scheduler;
        this.lock = locks.mutex(LockInventory.SO_RCV);
    }

    /** Time to live of the requests (ping -m): a small one draws "time exceeded" from a router. */
    public Ping ttl(int hops) {
        if (hops < 1 || hops > 255) throw new IllegalArgumentException("ttl " + hops);
        ttl = hops;
        return this;
    }

    /** Sets DF on the requests (ping -D): a router whose next link is too small answers "fragmentation needed". */
    public Ping dontFragment(boolean on) {
        dontFragment = on;
        return this;
    }

    /**
     * Pings {@code dst} {@code count} times with {@code dataBytes} of data (at least 8, for the time stamp),
     * waiting up to {@code timeout} for each reply and at least {@code interval} between requests.
     */
    public Result run(int dst, int count, int dataBytes, Duration interval, Duration timeout) {
        if (dataBytes < STAMP || dataBytes > 65507) throw new IllegalArgumentException("data bytes " + dataBytes);
        int id = NEXT_ID.getAndIncrement() & 0xffff;
        Listener listener = new Listener();
        while (!icmp.openSession(id, listener)) id = NEXT_ID.getAndIncrement() & 0xffff;
        try {
            int sent = 0;
            for (int seq = 0; seq < count; seq++) {
                long start = scheduler.nanoTime();
                if (send(dst, id, seq, dataBytes)) {
                    sent++;
                    awaitReply(seq, start + timeout.toNanos());
                }
                awaitUntil(start + interval.toNanos());
            }
            lock.lock();
            try {
                return new Result(sent, List.copyOf(replies), List.copyOf(errors));
            } finally {
                lock.unlock();
            }
        } finally {
            icmp.closeSession(id);
        }
    }

    private boolean send(int dst, int id, int seq, int dataBytes) {
        byte[] msg = new byte[IcmpHeader.LENGTH + dataBytes];
        var s = java.lang.foreign.MemorySegment.ofArray(msg);
        IcmpHeader.write(s, IcmpHeader.ECHO_REQUEST, 0, (id << 16) | seq);
        s.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                IcmpHeader.LENGTH, scheduler.nanoTime());
        IcmpHeader.setChecksum(s, Checksum.of(s, 0, msg.length));
        Mbuf m = icmp.allocator().fromBytes(msg, 0, msg.length, 40, Mbuf.M_WAIT);
        if (m == null) return false;
        boolean sent = icmp.ipOutput().output(m, 0, dst, Ipv4Header.PROTO_ICMP, ttl, dontFragment) == IpOutput.Result.SENT;
        if (sent) icmp.countEchoSent();
        return sent;
    }

    private void awaitReply(int seq, long deadline) {
        lock.lock();
        try {
            while (!answered(seq)) {
                long left = deadline - scheduler.nanoTime();
                if (left <= 0) return;
                arrived.awaitNanos(lock, left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void awaitUntil(long deadline) {
        lock.lock();
        try {
            for (long left; (left = deadline - scheduler.nanoTime()) > 0; ) arrived.awaitNanos(lock, left);
        } finally {
            lock.unlock();
        }
    }

    @GuardedBy("so_rcv")
    private boolean answered(int seq) {
        for (Reply r : replies) if (r.sequence() == seq) return true;
        for (String e : errors) if (e.startsWith("seq " + seq + ":")) return true;
        return false;
    }

    /** Receives this session's replies and errors from ICMP input. */
    private final class Listener implements Icmp.EchoListener {
        @Override
        public void reply(int from, int sequence, Mbuf message) {
            long rtt = -1;
            if (message.pktLen() >= IcmpHeader.LENGTH + STAMP) {
                byte[] stamp = new byte[STAMP];
                message.copyData(IcmpHeader.LENGTH, STAMP, stamp, 0);
                rtt = scheduler.nanoTime() - java.nio.ByteBuffer.wrap(stamp).getLong();
            }
            message.freeChain();
            lock.lock();
            try {
                if (rtt >= 0 && !answered(sequence)) replies.add(new Reply(sequence, from, rtt));
                arrived.broadcast();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void error(int from, int type, int code, int sequence) {
            lock.lock();
            try {
                errors.add("seq " + sequence + ": icmp type " + type + " code " + code + " from "
                        + Ipv4Header.addressToString(from));
                arrived.broadcast();
            } finally {
                lock.unlock();
            }
        }
    }
}
