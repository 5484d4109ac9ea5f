package smpnet.stack.fuzz;

/** The icmp fuzz target in CI: see {@link FuzzTestBase}; inputs are shaped by {@code targets.Shapes}. */
class IcmpFuzzTest extends FuzzTestBase {
    IcmpFuzzTest() { super("icmp"); }
}
