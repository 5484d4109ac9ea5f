package smpnet.stack.internal.net;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import smpnet.locking.GuardedBy;
import smpnet.locking.Mutex;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockInventory;

/**
 * Writes packets to a classic libpcap capture file (the format of tcpdump and Wireshark): a 24-byte global
 * header, then per packet a 16-byte record header (seconds, microseconds, captured and original length)
 * and the bytes. Timestamps come from the scheduler's clock, so a deterministic run captures virtual time.
 *
 * <p>Locking key: {@code lock} (class "bpf", a leaf) guards the stream and the counters; several interfaces
 * and threads may share one writer.
 */
public final class PcapWriter implements AutoCloseable {
    /** LINKTYPE_ETHERNET: frames start with an Ethernet II header. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** LINKTYPE_NULL: a 4-byte host-order address family, then the IP packet (BSD loopback). */
    public static final int LINKTYPE_NULL = 0;
    private static final int MAGIC_MICROS = 0xa1b2c3d4;

    private final Mutex lock = new Mutex(LockInventory.BPF.className());
    @GuardedBy("bpf") private final OutputStream out;
    private final int snaplen;
    @GuardedBy("bpf") private long packets;
    @GuardedBy("bpf") private boolean closed;

    /** Creates (or truncates) {@code file} and writes the global header. */
    public static PcapWriter create(Path file, int linktype) {
        try {
            return new PcapWriter(Files.newOutputStream(file), linktype, 65535);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create capture " + file, e);
        }
    }

    /** A writer on {@code out}; writes the global header at once. */
    public PcapWriter(OutputStream out, int linktype, int snaplen) {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.snaplen = snaplen;
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linktype);
        write(h.array(), h.position());
    }

    /** Records one packet of {@code len} bytes from {@code data}, time-stamped with the scheduler's clock. */
    public void record(byte[] data, int len) {
        long now = Scheduler.current().nanoTime();
        int caplen = Math.min(len, snaplen);
        ByteBuffer h = ByteBuffer.allocate(16 + caplen).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt((int) (now / 1_000_000_000L)).putInt((int) (now % 1_000_000_000L / 1000))
                .putInt(caplen).putInt(len).put(data, 0, caplen);
        lock.lock();
        try {
            if (closed) return;
            writeLocked(h.array(), h.position());
            packets++;
        } finally {
            lock.unlock();
        }
    }

    /** Packets recorded so far. */
    public long packets() {
        lock.lock();
        try {
            return packets;
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int len) {
        lock.lock();
        try {
            writeLocked(b, len);
        } finally {
            lock.unlock();
        }
    }

    private void writeLocked(byte[] b, int len) {
        lock.assertOwned();
        try {
            out.write(b, 0, len);
        } catch (IOException e) {
            throw new UncheckedIOException("capture write failed", e);
        }
    }

    /** Flushes and closes the file; later records are ignored. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("capture close failed", e);
        } finally {
            lock.unlock();
        }
    }
}
