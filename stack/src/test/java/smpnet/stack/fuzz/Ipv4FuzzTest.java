package smpnet.stack.fuzz;

/** The ipv4 fuzz target in CI: see {@link FuzzTestBase}; inputs are shaped by {@code targets.Shapes}. */
class Ipv4FuzzTest extends FuzzTestBase {
    Ipv4FuzzTest() { super("ipv4"); }
}
