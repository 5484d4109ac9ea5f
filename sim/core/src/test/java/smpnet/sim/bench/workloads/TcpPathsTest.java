package smpnet.sim.bench.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.plan.Subject;
import smpnet.sim.bench.results.Tally;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.stack.mbuf.MbufTransfer;
import smpnet.stack.stats.Counters;
import smpnet.stack.stats.TcpStat;
import smpnet.witness.junit.WitnessExtension;

/**
 * A tiny run of each TCP path in each mode, through the same runner as the benchmark: every byte written on
 * the bulk connection is read back exactly (the reader checks each byte against the pattern at its offset),
 * every connection begun completes with its exact request and reply, and once stopped no connection, pcb,
 * timer, syncache entry or mbuf is left on either host, over the benchmark's wire by hand-off and over one
 * that copies ({@code --wire copy}). Not a timing test.
 */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class TcpPathsTest {
    private static final long MS = 1_000_000L;

    @ParameterizedTest
    @CsvSource({"GIANT, 1, TCP_BULK, HANDOFF", "FINE, 2, TCP_BULK, HANDOFF", "FINE, 1, TCP_BULK, COPY",
            "FINE_ZC, 2, TCP_BULK, HANDOFF", "GIANT, 2, TCP_CONNECT, HANDOFF", "FINE, 1, TCP_CONNECT, HANDOFF",
            "FINE, 2, TCP_CONNECT, HANDOFF"})
    void everyByteAndConnectionArrivesAndNothingIsLeftBehind(Subject mode, int cpus, BenchPath path, MbufTransfer wire)
            throws Exception {
        BenchCase c = new BenchCase(mode, cpus, path.tcpPayload(), false, path);
        TcpHosts hosts = new TcpHosts(mode, cpus, wire);
        // A small send buffer bounds what a pause must drain; the connection path is the benchmark's own.
        TcpWorkload w = path == BenchPath.TCP_BULK ? new TcpBulkWorkload(hosts, 16 * 1024, mode.isZeroCopy())
                : new TcpConnectWorkload(hosts, c.payload());
        // Windows long enough that a loaded machine (a connection can wait tens of ms for a CPU) still
        // completes something in each.
        CaseRunner.Outcome o = CaseRunner.runAll(c, w, 20 * MS, 20 * MS, 2, 5 * MS, 250 * MS);
        Tally t = o.settled();
        assertTrue(t.generated() > 0, t.toString());
        assertEquals(new Tally(t.generated(), t.generated(), 0), t);
        long measured = o.runs().stream().mapToLong(r -> r.tally().received()).sum();
        assertTrue(measured > 0 && measured <= t.received(), measured + " " + t);
        assertEquals("", w.leftovers());
        assertEquals(0, hosts.mbufsOutstanding());
        Counters<TcpStat> st = hosts.client.tcpStats();
        if (mode.isZeroCopy()) {
            // every data byte went by reference, and every send completed without error
            assertEquals(0, st.get(TcpStat.SNDBYTE_COPIED), st.nonZero());
            assertTrue(st.get(TcpStat.SNDBYTE_BYREF) >= t.generated(), st.nonZero());
            assertEquals(t.generated() / TcpBulkWorkload.ZC_REGION, st.get(TcpStat.ZC_SENDS), st.nonZero());
            assertEquals(st.get(TcpStat.ZC_SENDS), st.get(TcpStat.ZC_COMPLETIONS), st.nonZero());
            assertEquals(0, st.get(TcpStat.ZC_ABORTED), st.nonZero());
        } else if (path == BenchPath.TCP_BULK) {
            assertEquals(0, st.get(TcpStat.SNDBYTE_BYREF), st.nonZero());
        }
        if (path == BenchPath.TCP_CONNECT) {
            long recorded = o.windows().stream().mapToLong(x -> x.latency().getTotalCount()).sum();
            assertTrue(recorded > 0 && recorded <= t.received(), recorded + " " + t); // one per connection completed
        }
    }
}
