package example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import smpnet.witness.junit.WitnessExtension;

/** Plain synchronized code, checked by the agent; the extension fails a test that made any witness report. */
@ExtendWith(WitnessExtension.class)
class WarehouseTest {
    static class Shelf { synchronized void restock(Crate c) { c.open(); } }

    static class Crate { synchronized void open() {} }

    @Test
    void restockingTakesTheShelfThenTheCrate() {
        new Shelf().restock(new Crate()); // a Crate method calling a Shelf method would fail this test
    }
}
