package smpnet.stack.internal.tcp;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;
import smpnet.stack.locks.LockMode;
import smpnet.stack.socket.TcpState;

/**
 * A socket bound to port 8080 closes while its connection lives on (FIN_WAIT_1 and later), as another
 * socket binds that port without SO_REUSEADDR. Before and after the close the port is in use (bound, then
 * kept by the connection: FreeBSD's in_pcbbind finds the connection's pcb), so the bind must fail whatever
 * the interleaving: the connection's hash entry keeps the port from connect to tcp_close, whatever the
 * socket's binding does, so no moment of the close leaves the port free. This class sits in TCP's package to reach the pcb
 * table, which only TCP uses. r1: the bind succeeded.
 */
@JCStressTest
@Outcome(id = "0", expect = ACCEPTABLE, desc = "the port is in use throughout: bound, then kept by the connection")
@Outcome(id = "1", expect = FORBIDDEN, desc = "the bind found the port free while the closed socket's connection used it")
@State
public class BindVersusCloseStress {
    private static final TcpFixture FIXTURE = new TcpFixture(LockMode.FINE);

    private final TcpPcbTable table = FIXTURE.table(1);
    private final Tcpcb closing = FIXTURE.pcb(TcpState.ESTABLISHED);
    private final Tcpcb binding = FIXTURE.pcb(TcpState.CLOSED);

    public BindVersusCloseStress() {
        if (!TcpFixture.bind(table, closing, false)) throw new IllegalStateException("port 8080 not free in a new table");
    }

    @Actor
    public void close() { table.releaseBound(closing); }

    @Actor
    public void bind(I_Result r) { r.r1 = TcpFixture.bind(table, binding, false) ? 1 : 0; }
}
