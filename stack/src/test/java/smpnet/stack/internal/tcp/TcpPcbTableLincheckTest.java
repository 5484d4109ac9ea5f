package smpnet.stack.internal.tcp;

import org.jetbrains.lincheck.datastructures.BooleanGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpState;
import smpnet.witness.testing.TestSettings;

/**
 * The pcb table's "port in use" view (FreeBSD's in_pcbbind) is linearizable against {@link PortModel}: each
 * Lincheck thread is one connected socket that may bind port 8080 (with SO_REUSEADDR or not), close while
 * its connection lives on (the port stays in use), and see its connection end (the port is released), while
 * any thread may ask whether a bind without SO_REUSEADDR would find the port in use. Stress mode only: the
 * table's locks are the host's, which witness watches, and its learned orders would look like
 * non-determinism to the model checker (which, tried without witness's help, took minutes and found
 * nothing). The races that matter (two connections of one port entering and leaving the hash at once; a
 * close against a bind) are windows too narrow for stress mode to hit reliably: JCStress
 * ConnectionEntersVersusLeavesStress and BindVersusCloseStress caught their earlier forms within seconds.
 * This test checks the operations' sequential contract under concurrency. {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
@Param(name = "socket", gen = ThreadIdGen.class)
@Param(name = "reuse", gen = BooleanGen.class)
public class TcpPcbTableLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    /** Lincheck's thread ids: the test threads, its init part and its post part. */
    private static final int SOCKETS = 5;
    private static final TcpFixture FIXTURE = new TcpFixture(LockMode.FINE);

    private final TcpPcbTable table = FIXTURE.table(16);
    /** One connection per socket; each socket's operations run on its own thread only. */
    private final Tcpcb[] pcbs = new Tcpcb[SOCKETS];
    private final PortModel.Life[] life = new PortModel.Life[SOCKETS];

    public TcpPcbTableLincheckTest() {
        for (int i = 0; i < SOCKETS; i++) {
            pcbs[i] = FIXTURE.pcb(TcpState.ESTABLISHED);
            life[i] = PortModel.Life.NEW;
        }
    }

    /** bind(2) of port 8080: true if the port was free for this socket; false too for a second bind. */
    @Operation
    public boolean bind(@Param(name = "socket") int s, @Param(name = "reuse") boolean reuse) {
        if (life[s] != PortModel.Life.NEW) return false;
        if (!TcpFixture.bind(table, pcbs[s], reuse)) return false;
        life[s] = PortModel.Life.BOUND;
        return true;
    }

    /** close(2) of a bound socket whose connection lives on (FIN_WAIT_1 ... TIME_WAIT). */
    @Operation
    public boolean close(@Param(name = "socket") int s) {
        if (life[s] != PortModel.Life.BOUND) return false;
        table.releaseBound(pcbs[s]);
        life[s] = PortModel.Life.LINGERING;
        return true;
    }

    /** tcp_close of a connection whose socket closed (TIME_WAIT ran out, the last ACK came). */
    @Operation
    public boolean end(@Param(name = "socket") int s) {
        if (life[s] != PortModel.Life.LINGERING) return false;
        TcpFixture.connectionEnds(table, pcbs[s]);
        life[s] = PortModel.Life.GONE;
        return true;
    }

    /** Would a bind of port 8080 without SO_REUSEADDR fail now? */
    @Operation
    public boolean inUse() { return table.inUse(0, TcpFixture.PORT, false); }

    @Test
    void stress() {
        StressOptions o = new StressOptions().threads(2).actorsPerThread(4).sequentialSpecification(PortModel.class);
        if (LONG) o.iterations(100).invocationsPerIteration(20_000);
        else o.iterations(3).invocationsPerIteration(120);
        o.check(getClass());
    }
}
