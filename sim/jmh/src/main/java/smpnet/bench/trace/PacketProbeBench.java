package smpnet.bench.trace;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import smpnet.locking.Mutex;
import smpnet.stack.internal.trace.PacketProbe;

/**
 * What the trace seams cost when no trace records: a packet probe hop with no sink (one volatile read)
 * against nothing, and a mutex's lock and unlock with the lock profiler off (the hold listener is read only
 * when a profiled hold ends, so never here) as the reference for a hop's relative cost. Goal: a hop costs
 * under a nanosecond, a small part of one uncontended lock and unlock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class PacketProbeBench {
    final Object packet = new Object();
    final Object where = new Object();
    final Mutex mutex = new Mutex("bench_probe_mtx");

    @Benchmark
    public void baseline(Blackhole bh) {
        bh.consume(packet);
    }

    @Benchmark
    public void hopWithoutSink(Blackhole bh) {
        PacketProbe.hop(PacketProbe.Hop.NIC_RING, packet, where);
        bh.consume(packet);
    }

    @Benchmark
    public void mutexProfilerOff() {
        mutex.lock();
        mutex.unlock();
    }
}
