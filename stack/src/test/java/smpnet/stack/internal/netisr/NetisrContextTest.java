package smpnet.stack.internal.netisr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.SxLock;
import smpnet.stack.locks.LockMode;
import smpnet.stack.locks.StackLocks;
import smpnet.stack.mbuf.MbufAllocator;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.junit.ExpectReport;
import smpnet.witness.Witness;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * A netisr worker runs handlers inside witness's netisr context, within the host's entry point. (The
 * witness extension runs here too; the one report the first test provokes is declared with @ExpectReport.)
 */
@ExtendWith(MbufLeakExtension.class)
class NetisrContextTest {
    private final MbufAllocator alloc = MbufAllocator.create("netisr-ctx");

    @Test
    @ExpectReport(kind = ReportKind.SLEEP_IN_HANDLER, classes = "test_sleepable_in_netisr",
            reason = "the test provokes the report and checks it")
    void sleepingInAHandlerIsReportedAsANetisrMisuse() {
        Netisr n = new Netisr("ctx", NetisrConfig.of(1, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE),
                new StackLocks(LockMode.FINE));
        SxLock sleepable = new SxLock("test_sleepable_in_netisr");
        n.register(NetisrProtocol.IP, m -> {
            sleepable.lock();
            sleepable.unlock();
            m.freeChain();
        });
        List<Report> seen = Collections.synchronizedList(new ArrayList<>());
        try (Witness.Registration r = Witness.listen(seen::add)) {
            n.start();
            n.dispatch(NetisrProtocol.IP, NetisrTestPackets.packet(alloc, 0, 0, 0, 0));
            n.awaitIdle();
            n.stop();
        }
        assertEquals(1, seen.size(), seen.toString());
        assertEquals(ReportKind.SLEEP_IN_HANDLER, seen.get(0).kind());
        assertEquals(List.of("test_sleepable_in_netisr"), seen.get(0).classes());
        assertEquals("ctx-netisr0", seen.get(0).thread());
    }

    @Test
    void workersHoldGiantAroundHandlersExceptInFineMode() {
        for (LockMode mode : LockMode.values()) {
            Netisr n = new Netisr("ctx", NetisrConfig.of(1, DispatchPolicy.DEFERRED, PlacementPolicy.SOURCE),
                    new StackLocks(mode));
            List<List<String>> held = Collections.synchronizedList(new ArrayList<>());
            n.register(NetisrProtocol.IP, m -> {
                held.add(Witness.active().heldLocks());
                m.freeChain();
            });
            n.start();
            n.dispatch(NetisrProtocol.IP, NetisrTestPackets.packet(alloc, 0, 0, 0, 0));
            n.awaitIdle();
            n.stop();
            assertEquals(List.of(mode == LockMode.FINE ? List.of() : List.of("Giant")), held, mode.name());
        }
    }
}
