package smpnet.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import smpnet.witness.testing.SavedProperties;

/** Each locking property's default, and what a value given with -D makes of it. */
class LockingSettingsTest {
    private SavedProperties saved;

    @BeforeEach
    void clear() {
        saved = new SavedProperties(LockingSettings.HOOKS, LockingSettings.MUTEX_HANDOFF, LockingSettings.MUTEX_SPIN,
                LockingSettings.MUTEX_SPIN_MAX_MICROS, LockingSettings.MUTEX_SPIN_STALL_MICROS);
    }

    @AfterEach
    void restore() {
        saved.close();
    }

    @Test
    void defaults() {
        assertTrue(LockingSettings.hooks());
        assertFalse(LockingSettings.mutexAlwaysHandsOff());
        assertNull(LockingSettings.mutexSpin());
        assertEquals(FreeScheduler.DEFAULT_SPIN_MICROS, LockingSettings.mutexSpinMaxMicros(FreeScheduler.DEFAULT_SPIN_MICROS));
        assertEquals(50, LockingSettings.mutexSpinStallMicros(FreeScheduler.DEFAULT_STALL_MICROS));
    }

    @Test
    void givenValues() {
        System.setProperty("smpnet.locking.hooks", "off");
        System.setProperty("smpnet.locking.mutex.handoff", "always");
        System.setProperty("smpnet.locking.mutex.spin", "fixed");
        System.setProperty("smpnet.locking.mutex.spinMaxMicros", "50");
        System.setProperty("smpnet.locking.mutex.spinStallMicros", "7");
        assertFalse(LockingSettings.hooks());
        assertTrue(LockingSettings.mutexAlwaysHandsOff());
        assertEquals("fixed", LockingSettings.mutexSpin());
        assertEquals(50, LockingSettings.mutexSpinMaxMicros(FreeScheduler.DEFAULT_SPIN_MICROS));
        assertEquals(7, LockingSettings.mutexSpinStallMicros(FreeScheduler.DEFAULT_STALL_MICROS));
    }

    @Test
    void otherValuesLeaveTheDefault() {
        System.setProperty("smpnet.locking.hooks", "on");
        System.setProperty("smpnet.locking.mutex.handoff", "sometimes");
        assertTrue(LockingSettings.hooks());
        assertFalse(LockingSettings.mutexAlwaysHandsOff());
    }
}
