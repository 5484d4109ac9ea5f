package smpnet.stack.fuzz;

/** The arp fuzz target in CI: see {@link FuzzTestBase}; inputs are shaped by {@code targets.Shapes}. */
class ArpFuzzTest extends FuzzTestBase {
    ArpFuzzTest() { super("arp"); }
}
