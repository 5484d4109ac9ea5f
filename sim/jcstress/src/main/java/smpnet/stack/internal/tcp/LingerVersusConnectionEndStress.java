package smpnet.stack.internal.tcp;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpState;

/**
 * Two sockets bound port 8080 with SO_REUSEADDR; the first one closed and its connection is in TIME_WAIT,
 * keeping the port in use. That last reference goes away (tcp_close) just as the second socket closes with
 * its connection alive, which keeps the port in its turn. At the end a bind without SO_REUSEADDR must find
 * the port in use: the second connection's entry must not be lost to the first one's removal (both change
 * the one port's entry of the table's map of connected ports). r1: the port is in use at the end.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the live connection keeps the port in use")
@Outcome(id = "0", expect = FORBIDDEN, desc = "the port looks free while a closed socket's connection still uses it")
@State
public class LingerVersusConnectionEndStress {
    private static final TcpFixture FIXTURE = new TcpFixture(LockMode.FINE);

    private final TcpPcbTable table = FIXTURE.table(1);
    private final Tcpcb timeWait = FIXTURE.pcb(TcpState.TIME_WAIT);
    private final Tcpcb closing = FIXTURE.pcb(TcpState.ESTABLISHED);

    public LingerVersusConnectionEndStress() {
        if (!TcpFixture.bind(table, timeWait, true) || !TcpFixture.bind(table, closing, true)) {
            throw new IllegalStateException("SO_REUSEADDR binds of port 8080 refused in a new table");
        }
        table.releaseBound(timeWait);
    }

    @Actor
    public void lastReferenceGoes() { TcpFixture.connectionEnds(table, timeWait); }

    @Actor
    public void close() { table.releaseBound(closing); }

    @Arbiter
    public void arbiter(I_Result r) { r.r1 = table.inUse(0, TcpFixture.PORT, false) ? 1 : 0; }
}
