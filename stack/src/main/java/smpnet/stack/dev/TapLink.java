package smpnet.stack.dev;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import smpnet.stack.internal.os.NetNamespace;
import smpnet.stack.internal.os.Posix;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.IfAddress;

/**
 * A simulated NIC's cable to a Linux TAP device, so that Linux programs talk to a smpnet host. The TAP lives
 * in a network namespace of its own, which {@link #attach} makes ({@code smpnet-<pid>-<n>}) and
 * {@link #close} removes, with Linux's end addressed there: no address outside that namespace is used, and
 * nothing leaves the machine. Run Linux programs inside it with {@link #inNamespace}.
 *
 * <pre>{@code
 *   SimNic nic = host.addNic("em0", "10.99.0.1/24", NicConfig.of(1));   // smpnet's end
 *   host.start();
 *   try (TapLink tap = TapLink.attach(nic, "10.99.0.2/24")) {             // Linux's end
 *       new ProcessBuilder(tap.inNamespace("ping", "-c", "3", "10.99.0.1")).inheritIO().start().waitFor();
 *   }
 * }</pre>
 *
 * <p>Frames: what the NIC's transmit threads put on the link is written to the TAP ({@link #deliver}, called
 * by a transmit thread with no lock held); a reader thread of this link reads the TAP (non-blocking, after
 * poll) and hands each frame to the NIC's receive side ({@link SimNic#receive}), as a wire does. The device
 * is made with {@code IFF_TAP | IFF_NO_PI} (Ethernet frames, no packet-information prefix) on
 * {@code /dev/net/tun} through the foreign function API; the namespace and addresses with {@code ip}.
 *
 * <p>Teardown: {@link #close}, or a shutdown hook at JVM exit; a JVM killed outright leaves its namespace,
 * which the next {@link #attach} (or {@link #sweepStale}) removes, since its name carries the dead PID.
 *
 * <p>Locking key: {@code writeBuffer} and {@code writeState} are guarded by this link's monitor (transmit
 * threads of several TX queues may write at once; it is a leaf, held for no lock of the stack). The reader's
 * buffers belong to the reader thread. Counters are atomic; {@code stopping} is volatile.
 */
public final class TapLink implements Link, AutoCloseable {
    private static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int)
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    /** Larger than any frame a TAP of MTU 9000 hands us. */
    private static final int FRAME_MAX = 16384;
    private static final int POLL_MILLIS = 50;

    private final SimNic nic;
    private final NetNamespace ns;
    private final String device;
    private final String linuxAddress;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment writeBuffer; // guarded by this
    private final MemorySegment writeState; // guarded by this
    private final Thread reader;
    private volatile boolean stopping;
    private boolean closed; // guarded by this
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong dropsIn = new AtomicLong();
    private final AtomicLong dropsOut = new AtomicLong();
    /** How long a transmit thread retries a frame the TAP refused with EAGAIN, and its pause between tries. */
    private static final long EAGAIN_WAIT_NANOS = 50_000_000L, EAGAIN_PAUSE_NANOS = 100_000L;

    private TapLink(SimNic nic, NetNamespace ns, String device, String linuxAddress, int fd) {
        this.nic = nic;
        this.ns = ns;
        this.device = device;
        this.linuxAddress = linuxAddress;
        this.fd = fd;
        this.writeBuffer = arena.allocate(FRAME_MAX);
        this.writeState = Posix.callState(arena);
        this.reader = new Thread(this::readLoop, nic.name() + "-tap-rx");
        this.reader.setDaemon(true);
    }

    /**
     * Makes a namespace, a TAP device in it addressed {@code linuxCidr} (e.g. "10.99.0.2/24", Linux's end;
     * the NIC keeps the address its host gave it) and up, and connects {@code nic} to it. The NIC must not
     * be on another link. Fails with the reason when a TAP cannot be made here (see {@link #unavailableReason}),
     * leaving nothing behind.
     */
    public static TapLink attach(SimNic nic, String linuxCidr) throws IOException {
        IfAddress.parse(linuxCidr); // a bad address fails before anything is made
        SimNic.checkPluggable(nic);
        String why = unavailableReason();
        if (why != null) throw new IOException("cannot make a TAP device: " + why);
        NetNamespace ns = NetNamespace.create();
        int fd = -1;
        try {
            // IPv6 off in the namespace before the device arrives: no router solicitations or MLD reports
            // from Linux on the link, only what the program under test sends.
            NetNamespace.run(ns.exec("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6"
                    + " && echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6"));
            fd = Posix.open("/dev/net/tun", Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
            String dev = createTap(fd);
            NetNamespace.ip("link", "set", "dev", dev, "netns", ns.name());
            ns.ipIn("link", "set", "dev", dev, "mtu", Integer.toString(nic.mtu()));
            ns.ipIn("addr", "add", linuxCidr, "dev", dev);
            ns.ipIn("link", "set", "dev", dev, "up");
            ns.ipIn("link", "set", "dev", "lo", "up");
            TapLink t = new TapLink(nic, ns, dev, linuxCidr.substring(0, linuxCidr.indexOf('/')), fd);
            nic.attachLink(t);
            t.reader.start();
            return t;
        } catch (IOException | RuntimeException e) {
            if (fd >= 0) Posix.close(fd); // a TAP that is not persistent goes with its descriptor
            ns.close();
            throw e;
        }
    }

    /** TUNSETIFF: a new TAP named by the kernel from "smpt%d"; returns its name. */
    private static String createTap(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = a.allocate(IFREQ_SIZE, 8);
            ifr.setString(0, "smpt%d");
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI));
            Posix.ioctl(fd, TUNSETIFF, ifr, "ioctl(TUNSETIFF) on /dev/net/tun");
            return ifr.getString(0);
        }
    }

    /**
     * Why a TAP cannot be made by this process, or null if it can: not Linux, no {@code /dev/net/tun}, not
     * allowed to use it (needs root or CAP_NET_ADMIN), or no {@code ip} command.
     */
    public static String unavailableReason() {
        if (!Posix.isLinux()) return "TAP devices need Linux (this is " + System.getProperty("os.name") + ")";
        Path tun = Path.of("/dev/net/tun");
        if (!Files.exists(tun)) return "/dev/net/tun does not exist (no tun driver, or a container without it)";
        if (!Files.isReadable(tun) || !Files.isWritable(tun)) return "/dev/net/tun is not readable and writable by this user";
        try {
            NetNamespace.ip("netns", "list");
        } catch (IOException e) {
            return "the ip command (iproute2) does not work here: " + e.getMessage();
        }
        try {
            int fd = Posix.open("/dev/net/tun", Posix.O_RDWR | Posix.O_CLOEXEC);
            try {
                createTap(fd); // closed at once: a TAP that is not persistent goes with its descriptor
            } finally {
                Posix.close(fd);
            }
        } catch (IOException e) {
            return "this process may not make TAP devices (root or CAP_NET_ADMIN is needed): " + e.getMessage();
        }
        return null;
    }

    /** Removes the namespaces that runs killed before their teardown left (their PIDs are gone); their names. */
    public static List<String> sweepStale() throws IOException { return NetNamespace.sweepStale(); }

    /** The network namespace's name ({@code smpnet-<pid>-<n>}). */
    public String namespace() { return ns.name(); }

    /** The TAP device's name inside the namespace. */
    public String device() { return device; }

    /** Linux's address on the TAP (without the prefix length). */
    public String linuxAddress() { return linuxAddress; }

    /** {@code command} prefixed so that it runs inside the namespace: {@code ip netns exec NAME command...}. */
    public List<String> inNamespace(String... command) { return ns.exec(command); }

    /** Frames read from the TAP and handed to the NIC. */
    public long framesIn() { return framesIn.get(); }

    /** Frames the NIC sent that were written to the TAP. */
    public long framesOut() { return framesOut.get(); }

    /** Frames read from the TAP but lost: no mbuf for them, or the NIC's RX ring was full. */
    public long dropsIn() { return dropsIn.get(); }

    /** Frames the NIC sent that the TAP refused (its queue full, the device gone, or too large). */
    public long dropsOut() { return dropsOut.get(); }

    /** A transmit thread's frame, written to the TAP; the frame is freed here in every case. */
    @Override
    public void deliver(Mbuf frame) {
        int len = frame.pktLen();
        try {
            synchronized (this) {
                if (closed || len > FRAME_MAX) {
                    dropsOut.incrementAndGet();
                    return;
                }
                copyOut(frame, len);
                long n = Posix.write(fd, writeBuffer, len, writeState);
                // -EAGAIN: the TAP's buffer toward Linux is full for the moment. A NIC's transmit side waits
                // for a free descriptor rather than dropping, so retry for up to EAGAIN_WAIT_NANOS before
                // counting the frame as dropped.
                for (long waited = 0; n == -Posix.EAGAIN && waited < EAGAIN_WAIT_NANOS && !closed; waited += EAGAIN_PAUSE_NANOS) {
                    java.util.concurrent.locks.LockSupport.parkNanos(EAGAIN_PAUSE_NANOS);
                    n = Posix.write(fd, writeBuffer, len, writeState);
                }
                if (n == len) framesOut.incrementAndGet();
                else dropsOut.incrementAndGet();
            }
        } finally {
            frame.freeChain();
        }
    }

    /** Copies the chain's bytes into the write buffer, mbuf by mbuf. */
    private void copyOut(Mbuf frame, int len) {
        int off = 0;
        for (Mbuf m = frame; m != null && off < len; m = m.next()) {
            int n = Math.min(m.len(), len - off);
            MemorySegment.copy(m.data(), 0, writeBuffer, off, n);
            off += n;
        }
    }

    /** The reader thread: the other end is Linux writing frames to the TAP; it hands them to the NIC. */
    private void readLoop() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(FRAME_MAX);
            MemorySegment state = Posix.callState(a);
            MemorySegment pollfd = Posix.pollfd(a);
            byte[] frame = new byte[FRAME_MAX];
            while (!stopping) {
                if (!Posix.pollIn(fd, POLL_MILLIS, pollfd, state)) continue;
                long n;
                while ((n = Posix.read(fd, buf, FRAME_MAX, state)) > 0) {
                    MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, frame, 0, (int) n);
                    Mbuf m = nic.allocator().fromBytes(frame, 0, (int) n, Mbuf.M_NOWAIT);
                    if (m == null || !nic.receive(m)) dropsIn.incrementAndGet();
                    else framesIn.incrementAndGet();
                }
                if (n < 0 && n != -Posix.EAGAIN && !stopping) {
                    System.err.println("smpnet: reading TAP " + device + ": " + Posix.strerror((int) -n));
                    return;
                }
            }
        } catch (IOException e) {
            if (!stopping) System.err.println("smpnet: polling TAP " + device + ": " + e.getMessage());
        }
    }

    /**
     * Disconnects the NIC, stops the reader, closes the TAP (which removes the device) and removes the
     * namespace. Once; later calls do nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        nic.attachLink(null);
        stopping = true;
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Posix.close(fd);
        ns.close();
        arena.close();
    }

    @Override public String toString() { return "TAP " + device + " in " + ns.name() + " (" + linuxAddress + ") <-> " + nic.name(); }
}
