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
}
