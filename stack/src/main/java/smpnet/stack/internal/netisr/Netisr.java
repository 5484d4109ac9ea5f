package smpnet.stack.internal.netisr;

import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * The netisr of one host: protocols {@link #register} their input routine, drivers and protocols
 * {@link #dispatch} packets to it. Placement uses the packet header's source id (set by the NIC's ithread:
 * interface and RX queue) or its flow id (the RSS hash); see {@link PlacementPolicy} and
 * {@link DispatchPolicy} for what each keeps in order.
 *
 * <p>Life cycle: construct, register every protocol, {@link #start()}, dispatch, {@link #stop()} (which frees
 * what is still queued). Handlers run with no lock held, in witness's netisr context when a worker runs them,
 * and hold Giant in giant-over-fine mode.
 */
public final class Netisr {
    private static final PacketOps<Mbuf> MBUF_OPS = new PacketOps<>() {
        @Override public int sourceId(Mbuf m) { return m.pkthdr().sourceId(); }
        @Override public int flowId(Mbuf m) { return m.pkthdr().flowId(); }
        @Override public void drop(Mbuf m) { m.freeChain(); }
    };

    private final NetisrEngine<Mbuf> engine;

    /** A netisr for host {@code host} (a name for its threads) with the host's lock factory. */
    public Netisr(String host, NetisrConfig config, StackLocks locks) {
        this.engine = new NetisrEngine<>(host, config, locks, MBUF_OPS);
    }

    public NetisrConfig config() { return engine.config(); }

    /**
     * Installs {@code proto}'s input routine; only before {@link #start()}, once per protocol. The protocols
     * register themselves while the host is assembled ({@code Ipv4}: {@code IpInput.input}; {@code Arp}:
     * {@code Arp.input}), as FreeBSD's {@code netisr_register}.
     */
    public void register(NetisrProtocol proto, NetisrHandler handler) {
        engine.register(proto, handler::handle);
    }

    /** Starts the workers (worker i on CPU i through the scheduler). */
    public void start() { engine.start(); }

    /** Starts worker {@code i} alone: tests use it to show what the cpu policy does not promise. */
    void startWorker(int i) { engine.startWorker(i); }

    /**
     * Runs up to {@code max} packets queued for worker {@code i} in the calling thread, in queue order, after
     * any batch that worker is running (netisr polling: a host without started workers, or a deterministic
     * test). Never call it from a netisr handler.
     */
    public int runPending(int i, int max) { return engine.runPending(i, max); }

    /**
     * Hands {@code packet} to {@code proto}'s handler under the configured policies: a thread hand-off whose
     * other end is the registered handler, run here (direct, or hybrid on an idle worker of this CPU) or by a
     * netisr worker ({@code NetisrEngine.runHandler}, deferred). The caller gives up the packet either way. Returns false if it was dropped and freed (queue full, no handler, stopped): the
     * drop is counted in {@link #stats(int)} or {@link #unregisteredDrops()}.
     */
    public boolean dispatch(NetisrProtocol proto, Mbuf packet) { return engine.dispatch(proto, packet); }

    /** The worker a packet would go to now (placement policy); exposed for tests and statistics. */
    public int workerOf(Mbuf packet) { return engine.placement(packet); }

    /**
     * Waits until every queue is empty and no worker runs a handler (tests, orderly shutdown). Call it
     * holding no stack lock (a worker may need Giant to finish).
     */
    public void awaitIdle() { engine.awaitIdle(); }

    /**
     * Stops the workers and frees every packet still queued; returns how many were freed. Call it holding
     * no stack lock.
     */
    public int stop() { return engine.stop(); }

    public int workerCount() { return engine.workerCount(); }

    /** Counters of worker {@code i}. */
    public NetisrStats stats(int i) { return engine.stats(i); }

    /** Counters summed over the workers. */
    public NetisrStats totals() { return engine.totals(); }

    /** Packets dispatched to a protocol without a handler (dropped and freed). */
    public long unregisteredDrops() { return engine.unregisteredDrops(); }
}
