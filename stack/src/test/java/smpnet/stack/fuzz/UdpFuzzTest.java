package smpnet.stack.fuzz;

/** The udp fuzz target in CI: see {@link FuzzTestBase}; inputs are shaped by {@code targets.Shapes}. */
class UdpFuzzTest extends FuzzTestBase {
    UdpFuzzTest() { super("udp"); }
}
