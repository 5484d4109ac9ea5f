package smpnet.stack.internal.netisr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import smpnet.locking.ExclusiveLock;
import smpnet.locking.Scheduler;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * The ordering invariant of DESIGN.md ("netisr"): many sources, each an ithread on its own CPU, flood many
 * workers; under the source policy every source's packets reach the "socket" in the order they were
 * dispatched, under the flow policy every flow's do. Run in every locking mode and every dispatch policy,
 * with small queues so that drops happen too (a drop loses a packet but must never reorder the rest).
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class NetisrOrderingTest {
    private static final int WORKERS = 4;
    private static final int SOURCES = 8;
    private static final int FLOWS_PER_SOURCE = 4;
    private static final int PACKETS_PER_SOURCE = 600;
    private static final int QUEUE_LIMIT = 32;

    static Stream<Arguments> combinations() {
        List<Arguments> out = new ArrayList<>();
        for (LockMode mode : LockMode.values()) {
            for (DispatchPolicy d : DispatchPolicy.values()) {
                for (PlacementPolicy p : List.of(PlacementPolicy.SOURCE, PlacementPolicy.FLOW)) {
                    out.add(Arguments.of(mode, d, p));
                }
            }
        }
        return out.stream();
    }

    /** The receiving end: one socket-buffer lock per flow, the last sequence seen per source and per flow. */
    private static final class Sink {
        final ExclusiveLock[] rcvLocks = new ExclusiveLock[SOURCES * FLOWS_PER_SOURCE];
        final AtomicIntegerArray lastInSource = new AtomicIntegerArray(SOURCES);
        final AtomicIntegerArray lastInFlow = new AtomicIntegerArray(SOURCES * FLOWS_PER_SOURCE);
        final AtomicInteger sourceReorders = new AtomicInteger();
        final AtomicInteger flowReorders = new AtomicInteger();
        final AtomicInteger received = new AtomicInteger();

        Sink(StackLocks locks) {
            for (int i = 0; i < rcvLocks.length; i++) rcvLocks[i] = locks.mutex(LockInventory.SO_RCV);
            for (int i = 0; i < SOURCES; i++) lastInSource.set(i, -1);
            for (int i = 0; i < lastInFlow.length(); i++) lastInFlow.set(i, -1);
        }

        void deliver(Mbuf m) {
            int flow = NetisrTestPackets.flow(m);
            ExclusiveLock so = rcvLocks[flow];
            so.lock();
            try {
                int s = NetisrTestPackets.source(m);
                if (lastInSource.getAndSet(s, NetisrTestPackets.seqInSource(m)) >= NetisrTestPackets.seqInSource(m)) {
                    sourceReorders.incrementAndGet();
                }
                if (lastInFlow.getAndSet(flow, NetisrTestPackets.seqInFlow(m)) >= NetisrTestPackets.seqInFlow(m)) {
                    flowReorders.incrementAndGet();
                }
                received.incrementAndGet();
            } finally {
                so.unlock();
            }
            m.freeChain();
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("combinations")
    void policyKeepsItsOrder(LockMode mode, DispatchPolicy dispatch, PlacementPolicy placement) throws Exception {
        StackLocks locks = new StackLocks(mode);
        MbufAllocator alloc = MbufAllocator.create("netisr-order");
        Netisr netisr = new Netisr("h", NetisrConfig.of(WORKERS, dispatch, placement).withQueueLimit(QUEUE_LIMIT)
                .withBatch(8), locks);
        Sink sink = new Sink(locks);
        netisr.register(NetisrProtocol.IP, sink::deliver);
        netisr.start();
        AtomicInteger accepted = new AtomicInteger();
        List<Thread> ithreads = new ArrayList<>();
        for (int s = 0; s < SOURCES; s++) {
            int source = s;
            ithreads.add(Scheduler.current().startWorker("src" + s, s % WORKERS,
                    () -> flood(alloc, netisr, source, accepted)));
        }
        for (Thread t : ithreads) t.join();
        netisr.awaitIdle();
        assertEquals(0, netisr.stop());

        NetisrStats t = netisr.totals();
        int sent = SOURCES * PACKETS_PER_SOURCE;
        assertEquals(0, placement == PlacementPolicy.SOURCE ? sink.sourceReorders.get() : sink.flowReorders.get(),
                "packets that arrived after a later one of their " + placement.name().toLowerCase());
        assertEquals(sink.received.get(), t.handled());
        assertEquals(accepted.get(), t.handled());
        assertEquals(sent, t.handled() + t.dropped());
        assertEquals(0, t.depth());
        switch (dispatch) {
            case DIRECT -> {
                assertEquals(sent, t.direct());
                assertEquals(0, t.queued());
                assertEquals(0, t.dropped());
            }
            case DEFERRED -> {
                assertEquals(0, t.direct());
                assertEquals(t.handled(), t.queued());
            }
            case HYBRID -> assertEquals(t.handled(), t.queued() + t.direct());
        }
    }

    private static void flood(MbufAllocator alloc, Netisr netisr, int source, AtomicInteger accepted) {
        int[] seqInFlow = new int[FLOWS_PER_SOURCE];
        for (int i = 0; i < PACKETS_PER_SOURCE; i++) {
            int k = (i * 3 + i / FLOWS_PER_SOURCE) % FLOWS_PER_SOURCE;
            int flow = source * FLOWS_PER_SOURCE + k;
            Mbuf m = NetisrTestPackets.packet(alloc, source, flow, i, seqInFlow[k]++);
            if (netisr.dispatch(NetisrProtocol.IP, m)) accepted.incrementAndGet();
        }
    }
}
