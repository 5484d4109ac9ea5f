package smpnet.stack.internal.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few C library calls smpnet makes on Linux (TAP devices, userfaultfd), through the Java foreign function
 * API. Each call returns what C returns; a failing call throws an {@link IOException} naming the call and
 * the errno's text (strerror), read from the state the linker captured right after the call, before the JVM
 * could run anything that changes errno.
 *
 * <p>No state is shared: the handles are immutable and each call captures errno into its own segment.
 */
public final class Posix {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final short POLLIN = 1;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    /** setns(2)'s namespace type of a network namespace. */
    public static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), 2);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1);
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), -1);
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), -1);
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), 2);
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), -1);
    private static final MethodHandle SYSCALL1 = downcall("syscall",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), 1);
    private static final MethodHandle SETNS = downcall("setns",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1);
    private static final MethodHandle SCHED_SETAFFINITY = downcall("sched_setaffinity",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), -1);
    private static final MethodHandle SCHED_GETAFFINITY = downcall("sched_getaffinity",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), -1);
    /** Bytes of the CPU sets passed to sched_setaffinity and sched_getaffinity: 1,024 CPUs, glibc's cpu_set_t. */
    private static final int CPU_SET_BYTES = 128;
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_BYTE), ValueLayout.JAVA_INT));

    private Posix() {}

    /** A handle that captures errno; {@code firstVariadic} >= 0 marks a variadic C function (open, ioctl). */
    private static MethodHandle downcall(String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment f = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library"));
        return firstVariadic >= 0
                ? LINKER.downcallHandle(f, fd, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(firstVariadic))
                : LINKER.downcallHandle(f, fd, CAPTURE_ERRNO);
    }

    /** Whether this JVM runs on Linux (the only system whose ioctls these helpers know). */
    public static boolean isLinux() { return System.getProperty("os.name", "").toLowerCase().startsWith("linux"); }

    /** The text of errno {@code e}, as strerror(3) gives it. */
    public static String strerror(int e) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(e);
            return s.reinterpret(256).getString(0) + " (errno " + e + ")";
        } catch (Throwable t) {
            return "errno " + e;
        }
    }

    /** A failed call's exception: the call, what it was doing, and errno's text. */
    public static final class ErrnoException extends IOException {
        private final int errno;

        ErrnoException(String call, int errno) {
            super(call + ": " + strerror(errno));
            this.errno = errno;
        }

        public int errno() { return errno; }
    }

    private static int errno(MemorySegment state) { return (int) ERRNO.get(state, 0L); }

    /** A downcall given its errno segment; returns what C returned, widened to long. */
    @FunctionalInterface
    private interface Call {
        long invoke(MemorySegment state, Arena arena) throws Throwable;
    }

    /** Runs {@code c} with a fresh errno segment; a negative result throws naming {@code what} and errno. */
    private static long checked(String what, Call c) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long r = c.invoke(st, a);
            if (r < 0) throw new ErrnoException(what, errno(st));
            return r;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** open(2); throws on failure. */
    public static int open(String path, int flags) throws IOException {
        return (int) checked("open(" + path + ")", (st, a) -> (int) OPEN.invokeExact(st, a.allocateFrom(path), flags));
    }

    /** close(2); errors ignored (the descriptor is gone either way on Linux). */
    public static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * read(2) into {@code buf} (a native segment) with {@code state} from {@link #callState}: the bytes read,
     * or -errno (so a non-blocking reader sees -EAGAIN without an exception per empty poll).
     */
    public static long read(int fd, MemorySegment buf, long len, MemorySegment state) {
        return transfer(READ, fd, buf, len, state);
    }

    /** write(2) from {@code buf}: the bytes written, or -errno. */
    public static long write(int fd, MemorySegment buf, long len, MemorySegment state) {
        return transfer(WRITE, fd, buf, len, state);
    }

    /** read or write: same signature, same result convention. */
    private static long transfer(MethodHandle call, int fd, MemorySegment buf, long len, MemorySegment state) {
        try {
            long n = (long) call.invokeExact(state, fd, buf, len);
            return n >= 0 ? n : -errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A segment for the errno a call captures, allocated in {@code arena} (one per thread that calls). */
    public static MemorySegment callState(Arena arena) { return arena.allocate(CAPTURE); }

    /** ioctl(2) with a pointer argument; returns its non-negative result, throws on failure. */
    public static int ioctl(int fd, long request, MemorySegment arg, String what) throws IOException {
        return (int) checked(what, (st, a) -> (int) IOCTL.invokeExact(st, fd, request, arg));
    }

    /**
     * poll(2) for input on one descriptor: true if it is readable, false after {@code timeoutMillis} or on
     * EINTR.
     */
    public static boolean pollIn(int fd, int timeoutMillis, MemorySegment pollfd, MemorySegment state) throws IOException {
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        try {
            int r = (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis);
            if (r < 0) {
                int e = errno(state);
                if (e == EINTR) return false;
                throw new ErrnoException("poll", e);
            }
            return r > 0 && (pollfd.get(ValueLayout.JAVA_SHORT, 6) & POLLIN) != 0;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A struct pollfd (8 bytes) for {@link #pollIn}. */
    public static MemorySegment pollfd(Arena arena) { return arena.allocate(8, 4); }

    /** syscall(2) with one argument (e.g. userfaultfd(flags)); returns its result, throws on failure. */
    public static long syscall(long number, long arg, String what) throws IOException {
        return checked(what, (st, a) -> (long) SYSCALL1.invokeExact(st, number, arg));
    }

    /**
     * setns(2): moves the calling thread (only it: a network namespace is a per-thread attribute) into the
     * namespace of descriptor {@code fd}; throws on failure.
     */
    public static void setns(int fd, int nstype, String what) throws IOException {
        checked(what, (st, a) -> (int) SETNS.invokeExact(st, fd, nstype));
    }

    /**
     * sched_setaffinity(2) with pid 0: binds the calling thread (only it: an affinity mask is a per-thread
     * attribute on Linux) to the CPUs set in {@code cpus} (bit i for CPU i, CPUs 0 to 63); throws on failure.
     */
    public static void bindCurrentThread(long cpus) throws IOException {
        checked("sched_setaffinity(0, " + Long.toBinaryString(cpus) + ")", (st, a) -> {
            MemorySegment set = a.allocate(CPU_SET_BYTES, 8);
            set.set(ValueLayout.JAVA_LONG, 0, cpus);
            return (int) SCHED_SETAFFINITY.invokeExact(st, 0, (long) CPU_SET_BYTES, set);
        });
    }

    /** sched_getaffinity(2) with pid 0: the CPUs the calling thread may run on (bit i for CPU i, CPUs 0 to 63). */
    public static long currentThreadCpus() throws IOException {
        return cpusOf(0);
    }

    /**
     * sched_getaffinity(2) with the process id: the CPUs the process's first thread may run on, the mask the
     * process was started with ({@code taskset}'s), whatever the calling thread has bound itself to since.
     */
    public static long processCpus() throws IOException {
        return cpusOf((int) ProcessHandle.current().pid());
    }

    private static long cpusOf(int pid) throws IOException {
        long[] out = new long[1];
        checked("sched_getaffinity(" + pid + ")", (st, a) -> {
            MemorySegment set = a.allocate(CPU_SET_BYTES, 8);
            int r = (int) SCHED_GETAFFINITY.invokeExact(st, pid, (long) CPU_SET_BYTES, set);
            out[0] = set.get(ValueLayout.JAVA_LONG, 0);
            return r;
        });
        return out[0];
    }

    /** The system's page size (what the kernel's page tables track). */
    public static int pageSize() {
        // The JDK does not expose sysconf; every Linux the project runs on (x86-64, arm64 with 4 KB pages)
        // answers 4096, and /proc/self/smaps says so per mapping: read the first KernelPageSize line.
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/smaps"))) {
            return lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst()
                    .map(l -> Integer.parseInt(l.replaceAll("[^0-9]", "")) * 1024).orElse(4096);
        } catch (IOException | RuntimeException e) {
            return 4096;
        }
    }
}
