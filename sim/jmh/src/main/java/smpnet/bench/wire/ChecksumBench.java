package smpnet.bench.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.stack.internal.wire.Checksum;

/**
 * A TCP segment's payload put into a cluster and summed, three ways: a copy ({@code MemorySegment.copy}, an
 * intrinsic) then {@link Checksum#add} (eight bytes a big-endian read, as two 32-bit halves, then the tail),
 * a copy then the same loop reading in the machine's byte order without the tail (what a byte-order-free sum
 * could at best save), and the sum taken while copying in one Java loop (csum_and_copy's idea: reads of the
 * byte array, writes into the cluster, sums). Sample mode: on a shared machine the median of each call's
 * time is what survives preemption.
 *
 * <pre>
 *   java -jar sim/jmh/target/smpnet-benchmarks.jar 'wire.ChecksumBench'
 * </pre>
 *
 * <p>Medians measured side by side in two runs (2 shared cores, load average 13 and 17): copy and
 * {@code Checksum.add} 160 and 170 ns, copy and the native-order loop alone 131 and 220 ns, copying and summing
 * in one loop 201 and 251 ns (370 ns with two reads a round). The copy is an intrinsic a Java loop does not
 * beat, so the stack copies, then sums; a native-order {@code add} with its fold and tail measured no faster
 * than the big-endian one (160 ns both), so it was not kept.
 *
 * <p>Later, in average-time mode (2 forks, one run, an idle machine): the sum alone ({@code sumOnly}, the
 * stack's {@code Checksum.add}, now four bytes a read into one sum, which the compiler vectorizes) 36 ns for
 * 1,460 bytes, the loop it replaced ({@code sumLongHalves}) 150 ns, and the bare four-byte loops over the
 * segment and over the array 30 and 29 ns.
 */
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ChecksumBench {
    @Param({"1460"})
    public int length;
    private byte[] src;
    private MemorySegment cluster;

    @Setup
    public void setUp() {
        src = new byte[65_536];
        new SplittableRandom(1071).nextBytes(src);
        cluster = MemorySegment.ofArray(new byte[2048]);
    }

    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private static long nativeSum(MemorySegment s, long off, int len) {
        long sum = 0;
        long i = off;
        long end = off + len;
        for (; i + 8 <= end; i += 8) {
            long v = s.get(LE64, i);
            sum += (v >>> 32) + (v & 0xffff_ffffL);
        }
        return sum;
    }

    @Benchmark
    public long copyThenNativeSum() {
        MemorySegment.copy(src, 100, cluster, ValueLayout.JAVA_BYTE, 88, length);
        return nativeSum(cluster, 88, length);
    }

    @Benchmark
    public int copyThenSum() {
        MemorySegment.copy(src, 100, cluster, ValueLayout.JAVA_BYTE, 88, length);
        return new Checksum().add(cluster, 88, length).finish();
    }

    private static final VarHandle ARRAY_NATIVE_64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** Copies and sums in one loop, eight bytes a round (the tail of a 1460-byte payload is 4 bytes). */
    private static long copyAndSum(byte[] src, int srcOff, MemorySegment dst, long dstOff, int len) {
        long sum = 0;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long v = (long) ARRAY_NATIVE_64.get(src, srcOff + i);
            dst.set(LE64, dstOff + i, v);
            sum += (v >>> 32) + (v & 0xffff_ffffL);
        }
        for (; i < len; i++) {
            dst.set(ValueLayout.JAVA_BYTE, dstOff + i, src[srcOff + i]);
            sum += (src[srcOff + i] & 0xff) << ((i & 1) == 0 ? 8 : 0);
        }
        return sum;
    }

    @Benchmark
    public long sumWhileCopying() {
        return copyAndSum(src, 100, cluster, 88, length);
    }

    private static final VarHandle ARRAY_LE_32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The stack's sum alone, of a segment already in the cluster (what TCP input pays per frame). */
    @Benchmark
    public int sumOnly() {
        return new Checksum().add(cluster, 88, length).finish();
    }

    /** Four bytes a read from the array, zero-extended into one long: a loop the compiler may vectorize. */
    @Benchmark
    public long sumArrayInts() {
        byte[] a = (byte[]) cluster.heapBase().orElseThrow();
        long sum = 0;
        int end = 88 + (length & ~3);
        for (int i = 88; i < end; i += 4) sum += (int) ARRAY_LE_32.get(a, i) & 0xffff_ffffL;
        return sum;
    }

    /** The same through the segment. */
    @Benchmark
    public long sumSegmentInts() {
        long sum = 0;
        long end = 88 + (length & ~3);
        for (long i = 88; i < end; i += 4) sum += cluster.get(LE32, i) & 0xffff_ffffL;
        return sum;
    }

    private static final ValueLayout.OfLong LE64_LITTLE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The loop {@code Checksum} had before: eight bytes a read split into two 32-bit halves, in two sums. Kept
     * to compare with the stack's loop ({@link #sumOnly}) in one run.
     */
    @Benchmark
    public long sumLongHalves() {
        long x = 0;
        long y = 0;
        long i = 88;
        long to = 88 + (length & ~7);
        for (; i + 16 <= to; i += 16) {
            long v = cluster.get(LE64_LITTLE, i);
            long w = cluster.get(LE64_LITTLE, i + 8);
            x += (v >>> 32) + (v & 0xffff_ffffL);
            y += (w >>> 32) + (w & 0xffff_ffffL);
        }
        if (i < to) {
            long v = cluster.get(LE64_LITTLE, i);
            x += (v >>> 32) + (v & 0xffff_ffffL);
        }
        return x + y;
    }
}
