package smpnet.stack.fuzz;

/** The reassembly fuzz target in CI: see {@link FuzzTestBase}; inputs are shaped by {@code targets.Shapes}. */
class ReassemblyFuzzTest extends FuzzTestBase {
    ReassemblyFuzzTest() { super("reassembly"); }
}
