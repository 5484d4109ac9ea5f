package smpnet.stack.internal.netisr;

import java.util.concurrent.atomic.LongAdder;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.locks.LockInventory;
import smpnet.stack.locks.StackLocks;
import smpnet.witness.HandlerKind;
import smpnet.stack.netisr.NetisrConfig;

/**
 * netisr over any packet type: placement, dispatch and the workers. {@link Netisr} is its face for mbufs;
 * keeping the engine generic lets the Lincheck test drive a workstream with plain integers.
 *
 * <p>Locking key: each {@link Workstream} has its own "netisr" mutex. {@code handlers} is a volatile,
 * copy-on-write array, written only before {@link #start()} (registration at stack start-up, under this
 * object's monitor) and read without locks on every packet.
 */
final class NetisrEngine<P> {
    private final String host;
    private final NetisrConfig config;
    private final StackLocks locks;
    private final PacketOps<P> ops;
    /** Indexed by protocol ordinal; replaced whole on registration, so readers need no lock. */
    private volatile PacketOps.Handler<P>[] handlers;
    private final Workstream<P>[] workers;
    private volatile boolean started;
    private final LongAdder unregistered = new LongAdder();

    @SuppressWarnings({"unchecked", "rawtypes"})
    NetisrEngine(String host, NetisrConfig config, StackLocks locks, PacketOps<P> ops) {
        this.host = host;
        this.config = config;
        this.locks = locks;
        this.ops = ops;
        this.workers = new Workstream[config.workers()];
        this.handlers = new PacketOps.Handler[NetisrProtocol.values().length];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Workstream<>(i, i, locks.mutex(LockInventory.NETISR), config.queueLimit());
        }
    }

    NetisrConfig config() { return config; }

    synchronized void register(NetisrProtocol proto, PacketOps.Handler<P> handler) {
        if (started) throw new IllegalStateException("register " + proto + " before start()");
        if (handlers[proto.ordinal()] != null) throw new IllegalStateException(proto + " already has a handler");
        PacketOps.Handler<P>[] copy = handlers.clone();
        copy[proto.ordinal()] = handler;
        handlers = copy;
    }

    /** Starts every worker thread. */
    synchronized void start() {
        for (int i = 0; i < workers.length; i++) startWorker(i);
    }

    /** Starts worker {@code i} alone (tests use it to show what the cpu policy does not promise). */
    synchronized void startWorker(int i) {
        started = true;
        Workstream<P> ws = workers[i];
        ws.markStarted();
        Scheduler.current().startWorker(host + "-netisr" + i, ws.cpu,
                () -> ws.run(config.batch(), this::runHandler));
    }

    /** The worker a packet goes to under the placement policy. */
    int placement(P packet) {
        int n = workers.length;
        return switch (config.placement()) {
            case SOURCE -> Math.floorMod(ops.sourceId(packet), n);
            case FLOW -> Math.floorMod(ops.flowId(packet), n);
            case CPU -> Math.floorMod(Scheduler.current().currentCpu(), n);
        };
    }

    /**
     * Dispatches {@code packet} to {@code proto}'s handler under the configured policies. Returns true if the
     * handler ran or will run; false if the packet was dropped and freed (queue full, no handler).
     */
    boolean dispatch(NetisrProtocol proto, P packet) {
        if (handlers[proto.ordinal()] == null) {
            unregistered.increment();
            ops.drop(packet);
            return false;
        }
        Workstream<P> ws = workers[placement(packet)];
        return switch (config.dispatch()) {
            case DIRECT -> {
                ws.countDirect();
                runDirect(proto, packet);
                yield true;
            }
            case DEFERRED -> enqueueOrDrop(ws, proto, packet);
            case HYBRID -> hybrid(ws, proto, packet);
        };
    }

    private boolean enqueueOrDrop(Workstream<P> ws, NetisrProtocol proto, P packet) {
        PacketProbe.hop(PacketProbe.Hop.NETISR_QUEUE, packet, proto);
        if (ws.enqueue(proto, packet)) return true;
        ops.drop(packet);
        return false;
    }

    private boolean hybrid(Workstream<P> ws, NetisrProtocol proto, P packet) {
        // A CPU id maps to a worker as in the cpu policy (a foreign thread's hashed id included).
        if (Math.floorMod(Scheduler.current().currentCpu(), workers.length) != ws.cpu) {
            return enqueueOrDrop(ws, proto, packet);
        }
        Workstream.Claim claim = ws.claimOrEnqueue(proto, packet);
        if (claim == Workstream.Claim.QUEUED) return true;
        if (claim == Workstream.Claim.DROPPED) {
            ops.drop(packet);
            return false;
        }
        try {
            runDirect(proto, packet);
        } finally {
            ws.directDone();
        }
        return true;
    }

    /**
     * Runs a handler in the dispatching thread. That thread's own context applies (an ithread is already in
     * witness's ithread context, whose rules are the netisr ones), so no second context is entered.
     */
    private void runDirect(NetisrProtocol proto, P packet) {
        PacketOps.Handler<P> h = handlers[proto.ordinal()];
        locks.enterEntryPoint();
        try {
            PacketProbe.hop(PacketProbe.Hop.PROTOCOL_INPUT, packet, proto);
            h.handle(packet);
        } finally {
            locks.leaveEntryPoint();
        }
    }

    /**
     * Runs one queued packet's handler in a worker: the host's entry point (Giant unless in fine mode), then
     * witness's netisr context inside it.
     */
    private void runHandler(NetisrProtocol proto, P packet) {
        PacketOps.Handler<P> h = handlers[proto.ordinal()];
        String name = proto.name();
        locks.enterHandler(HandlerKind.NETISR, name);
        try {
            PacketProbe.hop(PacketProbe.Hop.PROTOCOL_INPUT, packet, proto);
            h.handle(packet); // the other end of the queue hand-off: the handler registered for proto
        } finally {
            locks.leaveHandler(HandlerKind.NETISR, name);
        }
    }

    /** Runs up to {@code max} packets queued for worker {@code i} in the calling thread; returns how many. */
    int runPending(int i, int max) { return workers[i].runPending(max, this::runHandler); }

    /** Waits until every worker's queue is empty and no handler of a worker runs. */
    void awaitIdle() {
        for (Workstream<P> ws : workers) ws.awaitIdle();
    }

    /** Stops the workers and frees what is still queued; returns how many packets were freed. */
    synchronized int stop() {
        int freed = 0;
        for (Workstream<P> ws : workers) freed += ws.stop((proto, p) -> ops.drop(p));
        return freed;
    }

    NetisrStats stats(int worker) { return workers[worker].stats(); }

    NetisrStats totals() {
        NetisrStats sum = NetisrStats.ZERO;
        for (Workstream<P> ws : workers) sum = sum.plus(ws.stats());
        return sum;
    }

    /** Packets dispatched to a protocol that has no handler (dropped). */
    long unregisteredDrops() { return unregistered.sum(); }

    int workerCount() { return workers.length; }
}
