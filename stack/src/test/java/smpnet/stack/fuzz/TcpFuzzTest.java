package smpnet.stack.fuzz;

/**
 * The tcp fuzz target in CI: see {@link FuzzTestBase}; inputs are shaped by {@code targets.Shapes}, into the
 * listener on port 80 or into the live connection the peer keeps with it.
 */
class TcpFuzzTest extends FuzzTestBase {
    TcpFuzzTest() { super("tcp"); }
}
