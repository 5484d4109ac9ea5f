package smpnet.stack.internal.zerocopy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import smpnet.stack.internal.os.Posix;
import smpnet.stack.zerocopy.DirtyDiff;

/**
 * userfaultfd write-protection in asynchronous mode (Linux 6.7+). The region is registered with a
 * userfaultfd in write-protect mode, with {@code UFFD_FEATURE_WP_ASYNC}: a write to a protected page is
 * resolved by the kernel itself (no handler thread), which un-protects the page and so marks it written.
 * {@code PAGEMAP_SCAN} on {@code /proc/self/pagemap} lists the pages whose {@code PAGE_IS_WRITTEN} category
 * is set and, with {@code PM_SCAN_WP_MATCHING}, write-protects them again in the same walk: {@link #start}
 * is such a scan (its result dropped), {@link #end} a scan that only reads.
 *
 * <p>Structures (linux/userfaultfd.h, linux/fs.h), all fields 64-bit:
 * <pre>
 *   uffdio_api          { api, features, ioctls }
 *   uffdio_register     { range.start, range.len, mode, ioctls }
 *   uffdio_writeprotect { range.start, range.len, mode }
 *   pm_scan_arg         { size, flags, start, end, walk_end, vec, vec_len, max_pages,
 *                         category_inverted, category_mask, category_anyof_mask, return_mask }
 *   page_region         { start, end, categories }
 * </pre>
 *
 * <p>Locking key: the descriptors and the arena are this tracker's; start/end run on one thread at a time,
 * and a confined use of the scan buffers is not needed (they are only touched inside start/end).
 */
final class UffdTracker extends AbstractTracker {
    private static final long SYS_USERFAULTFD = 323; // x86-64
    private static final long UFFD_USER_MODE_ONLY = 1;
    private static final long UFFD_API = 0xAA;
    private static final long UFFD_FEATURE_WP_HUGETLBFS_SHMEM = 1L << 12;
    private static final long UFFD_FEATURE_WP_UNPOPULATED = 1L << 13;
    private static final long UFFD_FEATURE_WP_ASYNC = 1L << 15;
    private static final long UFFDIO_API = 0xC018AA3FL;
    private static final long UFFDIO_REGISTER = 0xC020AA00L;
    private static final long UFFDIO_WRITEPROTECT = 0xC018AA06L;
    private static final long UFFDIO_REGISTER_MODE_WP = 1L << 1;
    private static final long UFFDIO_WRITEPROTECT_MODE_WP = 1L << 0;
    private static final long PAGEMAP_SCAN = 0xC0606610L; // _IOWR('f', 16, struct pm_scan_arg)
    private static final long PM_SCAN_WP_MATCHING = 1L << 0;
    private static final long PM_SCAN_CHECK_WPASYNC = 1L << 1;
    private static final long PAGE_IS_WRITTEN = 1L << 1;
    private static final int SCAN_ARG_SIZE = 96;
    private static final int REGION_SIZE = 24;
    private static final int VEC_LEN = 64;
    private static final Probe PROBE = new Probe(UffdTracker::probe);

    private final Arena arena = Arena.ofShared();
    private final int uffd;
    private final int pagemap;
    private final MemorySegment scanArg;
    private final MemorySegment vec;
    private boolean closed;

    UffdTracker(MemorySegment region) {
        super(region);
        try {
            uffd = open(region.address(), region.byteSize());
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("userfaultfd on the region", e);
        }
        try {
            pagemap = Posix.open("/proc/self/pagemap", Posix.O_RDONLY | Posix.O_CLOEXEC);
        } catch (IOException e) {
            Posix.close(uffd);
            arena.close();
            throw new UncheckedIOException(e);
        }
        scanArg = arena.allocate(SCAN_ARG_SIZE, 8);
        vec = arena.allocate((long) REGION_SIZE * VEC_LEN, 8);
    }

    /** A userfaultfd with asynchronous write-protection, the range registered and protected; its descriptor. */
    private static int open(long address, long length) throws IOException {
        int fd = (int) Posix.syscall(SYS_USERFAULTFD, Posix.O_CLOEXEC | Posix.O_NONBLOCK | UFFD_USER_MODE_ONLY, "userfaultfd");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment api = a.allocate(24, 8);
            api.set(ValueLayout.JAVA_LONG, 0, UFFD_API);
            api.set(ValueLayout.JAVA_LONG, 8, UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED | UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
            Posix.ioctl(fd, UFFDIO_API, api, "ioctl(UFFDIO_API) with WP_ASYNC");
            MemorySegment reg = a.allocate(32, 8);
            reg.set(ValueLayout.JAVA_LONG, 0, address);
            reg.set(ValueLayout.JAVA_LONG, 8, length);
            reg.set(ValueLayout.JAVA_LONG, 16, UFFDIO_REGISTER_MODE_WP);
            Posix.ioctl(fd, UFFDIO_REGISTER, reg, "ioctl(UFFDIO_REGISTER) in write-protect mode");
            MemorySegment wp = a.allocate(24, 8);
            wp.set(ValueLayout.JAVA_LONG, 0, address);
            wp.set(ValueLayout.JAVA_LONG, 8, length);
            wp.set(ValueLayout.JAVA_LONG, 16, UFFDIO_WRITEPROTECT_MODE_WP);
            Posix.ioctl(fd, UFFDIO_WRITEPROTECT, wp, "ioctl(UFFDIO_WRITEPROTECT)");
            return fd;
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /** Why this back-end cannot run here (probed once, on a page of our own), or null. */
    static String unavailableReason() { return PROBE.reason(); }

    private static String probe() {
        if (!Posix.isLinux() || !"amd64".equals(System.getProperty("os.arch"))) {
            return "userfaultfd tracking is built for Linux on x86-64 (this is " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ")";
        }
        int ps = Trackers.PAGE_SIZE;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment page = a.allocate(2L * ps, ps);
            try (UffdTracker t = new UffdTracker(page)) {
                t.start();
                page.set(ValueLayout.JAVA_BYTE, ps, (byte) 1);
                DirtyDiff d = t.end();
                if (!d.pages().equals(java.util.List.of(1))) return "PAGEMAP_SCAN reported " + d + " for a write to page 1";
            }
            return null;
        } catch (UncheckedIOException e) {
            return e.getCause().getMessage() + " (needs Linux 6.7+ with userfaultfd write-protect;"
                    + " unprivileged use needs vm.unprivileged_userfaultfd or user-mode-only support)";
        }
    }

    @Override public Backend backend() { return Backend.USERFAULTFD; }

    @Override
    public void start() { scan(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC); }

    @Override
    public DirtyDiff end() { return DirtyDiff.of(Trackers.PAGE_SIZE, region.byteSize(), scan(PM_SCAN_CHECK_WPASYNC)); }

    /** PAGEMAP_SCAN over the region for written pages, in as many calls as the output vector needs. */
    private BitSet scan(long flags) {
        int ps = Trackers.PAGE_SIZE;
        long base = region.address();
        long end = base + region.byteSize();
        BitSet written = new BitSet(pages);
        long from = base;
        try {
            while (from < end) {
                scanArg.fill((byte) 0);
                scanArg.set(ValueLayout.JAVA_LONG, 0, SCAN_ARG_SIZE);
                scanArg.set(ValueLayout.JAVA_LONG, 8, flags);
                scanArg.set(ValueLayout.JAVA_LONG, 16, from);
                scanArg.set(ValueLayout.JAVA_LONG, 24, end);
                scanArg.set(ValueLayout.JAVA_LONG, 40, vec.address());
                scanArg.set(ValueLayout.JAVA_LONG, 48, VEC_LEN);
                scanArg.set(ValueLayout.JAVA_LONG, 72, PAGE_IS_WRITTEN); // category_mask: written pages only
                scanArg.set(ValueLayout.JAVA_LONG, 88, PAGE_IS_WRITTEN); // return_mask
                int n = Posix.ioctl(pagemap, PAGEMAP_SCAN, scanArg, "ioctl(PAGEMAP_SCAN)");
                for (int i = 0; i < n; i++) {
                    long s = vec.get(ValueLayout.JAVA_LONG, (long) i * REGION_SIZE);
                    long e = vec.get(ValueLayout.JAVA_LONG, (long) i * REGION_SIZE + 8);
                    written.set((int) ((s - base) / ps), (int) ((e - base) / ps));
                }
                long walkEnd = scanArg.get(ValueLayout.JAVA_LONG, 32);
                if (walkEnd <= from) break; // no progress: never loop forever on a kernel surprise
                from = walkEnd;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Posix.close(pagemap); // closing the userfaultfd unregisters the range and drops its protection
        Posix.close(uffd);
        arena.close();
    }
}
