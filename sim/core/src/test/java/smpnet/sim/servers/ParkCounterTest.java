package smpnet.sim.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpnet.locking.FreeScheduler;
import smpnet.locking.Scheduler;

/** The counting seam behaves as the free-running scheduler in every respect but the count. */
class ParkCounterTest {
    @Test
    void everySchedulerMethodIsForwarded() throws Exception {
        List<String> inherited = new ArrayList<>();
        for (Method m : Scheduler.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) continue;
            Method impl = ParkCounter.class.getMethod(m.getName(), m.getParameterTypes());
            if (impl.getDeclaringClass() != ParkCounter.class) inherited.add(m.getName());
        }
        assertEquals(List.of(), inherited, "Scheduler methods ParkCounter leaves to the interface's defaults");
    }

    @Test
    void spinningSettingsAreTheFreeSchedulers() {
        ParkCounter c = new ParkCounter();
        Scheduler f = FreeScheduler.INSTANCE;
        assertEquals(f.spinStallNanos(), c.spinStallNanos());
        assertEquals(f.adaptiveSpinNanos(), c.adaptiveSpinNanos());
        assertEquals(f.spinsBeforeBlocking(), c.spinsBeforeBlocking());
    }

    @Test
    void countsOnlyTheServersParks() throws Exception {
        ParkCounter c = new ParkCounter();
        Thread other = Thread.ofPlatform().start(() -> c.parkNanos(this, 1_000));
        other.join();
        Thread server = Thread.ofPlatform().start(() -> {
            ParkCounter.markServerThread();
            c.parkNanos(this, 1_000);
            c.parkNanos(this, 1_000);
        });
        server.join();
        assertEquals(2, c.parks());
    }

    @Test
    void countsOnlyTheWakeUpsTheServerGives() throws Exception {
        ParkCounter c = new ParkCounter();
        Thread target = Thread.ofPlatform().start(() -> {});
        target.join();
        Thread other = Thread.ofPlatform().start(() -> c.unpark(target));
        other.join();
        Thread server = Thread.ofPlatform().start(() -> {
            ParkCounter.markServerThread();
            for (int i = 0; i < 3; i++) c.unpark(target);
        });
        server.join();
        assertEquals(3, c.unparks());
        assertEquals(0, c.parks());
    }
}
