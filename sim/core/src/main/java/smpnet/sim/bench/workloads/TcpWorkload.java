package smpnet.sim.bench.workloads;

/**
 * What the two TCP workloads share: their hosts ({@link TcpNet}: smpnet's or Linux's), the {@link RunGate} their load-generating
 * threads pass, the stop flag and first failure of those threads, and the end of a run, which waits out
 * the closing side's TIME_WAIT and then records what the hosts still hold.
 *
 * <p>Thread use: {@code stopping} and {@code failure} are volatile, written by the harness thread and the
 * workload's threads respectively; {@code leftovers} and {@code closed} are the harness thread's.
 */
abstract class TcpWorkload implements ReceiveWorkload {
    final TcpNet net;
    final RunGate gate = new RunGate();
    volatile boolean stopping;
    volatile Throwable failure;
    private String leftovers = "";
    private boolean closed;

    TcpWorkload(TcpNet net) {
        this.net = net;
    }

    @Override
    public void resume() {
        gate.open();
    }

    /** Closes the gate until {@code parties} threads wait at it; then throws the first failure, if any. */
    void pause(int parties, String who) {
        if (!gate.close(parties, RunGate.PAUSE_TIMEOUT_NANOS)) {
            throw new IllegalStateException("only " + gate.held() + " of " + parties + " " + who + " paused");
        }
        if (failure != null) throw new IllegalStateException("the workload failed", failure);
    }

    /** Lets the workload's threads leave the gate to see {@code stopping} and end. */
    void release() {
        stopping = true;
        gate.open();
    }

    /**
     * The end of {@link #stop} once every socket is closed: waits out TIME_WAIT where the hosts need it,
     * notes what they still hold, and closes them.
     */
    void finish() throws InterruptedException {
        leftovers = net.leftoversAfterClose();
        close();
    }

    /** What {@link #stop} found left behind (connections, pcbs, timers, syncache entries); empty when nothing. */
    String leftovers() {
        return leftovers;
    }

    /** Closes the workload's own sockets (their owning threads have ended or are released). */
    abstract void closeSockets();

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        release();
        try {
            closeSockets();
        } finally {
            net.close();
        }
    }
}
