package smpnet.bench.mbuf;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.Zone;

/**
 * Allocate + free through the per-CPU caches ({@code cached}: buckets of 32) against the same zone with
 * caching off ({@code global}: every operation takes the one {@code mbuf_zone} lock). Run with {@code -t 1}
 * and {@code -t 2}; each benchmark thread uses its own CPU cache (threads numbered in order), as netisr
 * workers would.
 *
 * <pre>
 *   java -jar sim/jmh/target/smpnet-benchmarks.jar 'mbuf.ZoneAllocBench' -t 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "-Dsmpnet.mbuf.track=off"})
public class ZoneAllocBench {
    private static final int CPUS = 2;

    /** The zone shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"cached", "global"})
        public String mode;
        Zone<byte[]> zone;
        MbufAllocator allocator;
        final AtomicInteger nextCpu = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            int bucket = mode.equals("cached") ? 32 : 0;
            zone = new Zone<>("bench", CPUS, 1 << 20, bucket, 0, i -> new byte[Mbuf.MLEN]);
            allocator = new MbufAllocator(MbufAllocator.Config.defaults("bench").withCpus(CPUS)
                    .withBucketSize(bucket).withTracking(false));
        }
    }

    /** The CPU of one benchmark thread. */
    @State(Scope.Thread)
    public static class Cpu {
        int cpu;

        @Setup(Level.Trial)
        public void setUp(Shared s) { cpu = s.nextCpu.getAndIncrement() % CPUS; }
    }

    @Benchmark
    public byte[] zoneAllocFree(Shared s, Cpu c) {
        byte[] item = s.zone.alloc(c.cpu, Zone.NOWAIT);
        s.zone.free(c.cpu, item);
        return item;
    }

    /** The whole mbuf path (header object, storage item); the CPU comes from the scheduler (by hash here). */
    @Benchmark
    public Mbuf mbufGetFree(Shared s) {
        Mbuf m = s.allocator.getHeader(Mbuf.M_NOWAIT);
        m.free();
        return m;
    }
}
