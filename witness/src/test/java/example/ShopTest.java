package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.witness.adapters.WitnessLocks;
import smpnet.witness.junit.WitnessExtension;

/** A shop whose sale and audit both lock stock, then ledger: witness checks every test for reversals. */
@ExtendWith(WitnessExtension.class)
class ShopTest {
    static final class Shop {
        private final ReentrantLock stock = WitnessLocks.reentrantLock("shop.stock");
        private final ReentrantLock ledger = WitnessLocks.reentrantLock("shop.ledger");
        private int items = 10; // guarded by stock
        private int sold; // guarded by ledger

        void sell() {
            stock.lock();
            try {
                ledger.lock();
                try {
                    items--;
                    sold++;
                } finally {
                    ledger.unlock();
                }
            } finally {
                stock.unlock();
            }
        }

        int audit() {
            stock.lock(); // the same order as sell(): taking ledger first here would fail the test
            try {
                ledger.lock();
                try {
                    return items + sold;
                } finally {
                    ledger.unlock();
                }
            } finally {
                stock.unlock();
            }
        }
    }

    @Test
    void sellAndAuditFromAPool() throws Exception {
        Shop shop = new Shop();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        pool.submit(shop::sell).get();
        assertEquals(10, pool.submit(shop::audit).get());
        pool.shutdown();
    }
}
