package smpnet.sim.bench;

/** Creates the workload that measures a case. */
final class Workloads {
    private Workloads() {}

    static ReceiveWorkload create(BenchCase c) throws Exception {
        if (c.subject() == Subject.KERNEL) return new KernelLoopbackWorkload(c.payload());
        return new StackUdpWorkload(new SmpnetHost(c.subject(), c.cpus()), c.payload());
    }
}
