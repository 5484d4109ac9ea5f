package smpnet.stack.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.locking.SxLock;
import smpnet.stack.locks.LockMode;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.Report;
import smpnet.witness.ReportKind;
import smpnet.witness.junit.ExpectReport;
import smpnet.witness.Witness;

/**
 * The interrupt thread runs the input handler inside witness's ithread context and inside the host's entry
 * point: a handler that would sleep is reported, and Giant is held around it in the giant modes. (The
 * witness extension runs here too; the one report the test provokes is declared with @ExpectReport.)
 */
@ExtendWith(MbufLeakExtension.class)
class HandlerContextTest {

    @Test
    @ExpectReport(kind = ReportKind.SLEEP_IN_HANDLER, classes = "test_sleepable_in_ithread",
            reason = "the test provokes the report and checks it")
    void sleepingInTheInputHandlerIsReportedAsAnIthreadMisuse() {
        TestHost h = new TestHost("ctx", 1, LockMode.FINE, NicConfig.of(1));
        SxLock sleepable = new SxLock("test_sleepable_in_ithread");
        h.handler = m -> {
            sleepable.lock(); // an sx lock may sleep: never in an interrupt thread
            sleepable.unlock();
            m.freeChain();
        };
        List<Report> seen = Collections.synchronizedList(new ArrayList<>());
        try (Witness.Registration r = Witness.listen(seen::add)) {
            h.nic.start();
            h.nic.receive(h.udp(h.nic.mac(), 0, 0, 8));
            h.nic.awaitReceived();
            h.nic.stop();
        }
        assertEquals(1, seen.size(), seen.toString());
        assertEquals(ReportKind.SLEEP_IN_HANDLER, seen.get(0).kind());
        assertEquals(List.of("test_sleepable_in_ithread"), seen.get(0).classes());
        assertEquals("ctx-em0-rx0", seen.get(0).thread());
    }

    @Test
    void theEntryPointHoldsGiantAroundTheHandlerExceptInFineMode() {
        for (LockMode mode : LockMode.values()) {
            TestHost h = new TestHost("ctx", 1, mode, NicConfig.of(1));
            List<List<String>> held = Collections.synchronizedList(new ArrayList<>());
            h.handler = m -> {
                held.add(Witness.active().heldLocks());
                m.freeChain();
            };
            h.nic.start();
            h.nic.receive(h.udp(h.nic.mac(), 0, 0, 8));
            h.nic.awaitReceived();
            h.nic.stop();
            assertEquals(List.of(mode == LockMode.FINE ? List.of() : List.of("Giant")), held, mode.name());
        }
    }
}
