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
 * The last connection on port 8080, in TIME_WAIT after its socket closed, goes away (tcp_close) just as a
 * new connection on that port enters the hash (accepted). Each holds its own hash chain's lock, so both
 * change the port's entry of the table's map of connected ports at once. At the end a bind without
 * SO_REUSEADDR must find the port in use: the new connection's addition must not be lost to the old one's
 * removal (the entry is replaced whole by one atomic compute; read-then-change in two steps lost it).
 * r1: the port is in use at the end.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the new connection keeps the port in use")
@Outcome(id = "0", expect = FORBIDDEN, desc = "the port looks free while a connection uses it")
@State
public class ConnectionEntersVersusLeavesStress {
    private static final TcpFixture FIXTURE = new TcpFixture(LockMode.FINE);

    /** Many chains: the two connections' 4-tuples almost always hash to chains of their own. */
    private final TcpPcbTable table = FIXTURE.table(64);
    private final Tcpcb timeWait = FIXTURE.pcb(TcpState.TIME_WAIT);
    private final Tcpcb accepted = FIXTURE.pcb(TcpState.ESTABLISHED);

    public ConnectionEntersVersusLeavesStress() {
        if (!TcpFixture.bind(table, timeWait, false)) throw new IllegalStateException("port 8080 not free in a new table");
        table.releaseBound(timeWait);
    }

    @Actor
    public void lastReferenceGoes() { TcpFixture.connectionEnds(table, timeWait); }

    @Actor
    public void accepted() { TcpFixture.connectionEnters(table, accepted); }

    @Arbiter
    public void arbiter(I_Result r) { r.r1 = table.inUse(0, TcpFixture.PORT, false) ? 1 : 0; }
}
