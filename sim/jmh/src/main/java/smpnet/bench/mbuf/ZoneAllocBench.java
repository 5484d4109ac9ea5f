package smpnet.bench.mbuf;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.internal.mbuf.Zone;

/**
 * Allocate + free through the per-CPU caches ({@code cached}: buckets of 32) against the same zone with
 * caching off ({@code global}: every operation takes the one {@code mbuf_zone} lock). Run with {@code -t 1}
 * and {@code -t 2}; each benchmark thread uses its own CPU cache (threads numbered in order), as netisr
 * workers would. {@link MbufWorkersBench} measures whole mbufs on scheduler workers.
 *
 * <pre>
 *   java -jar sim/jmh/target/smpnet-benchmarks.jar 'mbuf.ZoneAllocBench' -t 2
 * </pre>
 */
public class ZoneAllocBench extends MbufBenchSettings {
    private static final int CPUS = 2;

    /** The zone shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"cached", "global"})
        public String mode;
        Zone<byte[]> zone;
        final AtomicInteger nextCpu = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() {
            int bucket = mode.equals("cached") ? 32 : 0;
            zone = new Zone<>("bench", CPUS, 1 << 20, bucket, 0, i -> new byte[Mbuf.MLEN]);
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
}
