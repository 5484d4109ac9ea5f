package smpnet.stack.fuzz;

/** The ether fuzz target in CI: see {@link FuzzTestBase}; inputs are shaped by {@code targets.Shapes}. */
class EthernetFuzzTest extends FuzzTestBase {
    EthernetFuzzTest() { super("ether"); }
}
