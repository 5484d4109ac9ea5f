package smpnet.locking;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The processor the calling thread runs on, from the C library's {@code sched_getcpu(3)} through the Java
 * foreign function API: on Linux a read of the CPU number the kernel keeps in the thread's restartable-sequence
 * area, a few nanoseconds with the call. Per-CPU data indexed by it ({@link Scheduler#processor()}) stays in
 * the cache of the processor that touches it, as a FreeBSD kernel's per-CPU data does; data indexed by a
 * thread's simulated CPU is shared by whichever processors run that CPU's threads.
 *
 * <p>Where the call is missing or fails (another system, native access denied), {@link #current()} answers
 * -1 and callers fall back to the simulated CPU. The handle is made on first use, so a program that never
 * asks (witness alone, say) never needs native access.
 */
public final class Processors {
    private Processors() {}

    /** The calling thread's processor number (0, 1, ...), or -1 where it cannot be known. */
    public static int current() {
        MethodHandle h = Holder.SCHED_GETCPU;
        if (h == null) return -1;
        try {
            return (int) h.invokeExact();
        } catch (Throwable e) {
            return -1;
        }
    }

    /** Whether {@link #current()} answers with a real processor number on this JVM. */
    public static boolean available() { return Holder.SCHED_GETCPU != null && current() >= 0; }

    private static final class Holder {
        static final MethodHandle SCHED_GETCPU = find();

        private static MethodHandle find() {
            try {
                Linker linker = Linker.nativeLinker();
                Optional<MemorySegment> f = linker.defaultLookup().find("sched_getcpu");
                if (f.isEmpty()) return null;
                // critical: no thread-state transition around a call that neither blocks nor calls back
                MethodHandle h = linker.downcallHandle(f.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT),
                        Linker.Option.critical(false));
                return (int) h.invokeExact() >= 0 ? h : null;
            } catch (Throwable e) { // no native access, no such call: fall back to simulated CPUs
                return null;
            }
        }
    }
}
