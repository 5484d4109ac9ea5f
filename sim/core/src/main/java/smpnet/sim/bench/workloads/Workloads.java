package smpnet.sim.bench.workloads;

import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.Subject;

/** Creates the workload that measures a case. */
public final class Workloads {
    private Workloads() {}

    public static ReceiveWorkload create(BenchCase c) throws Exception {
        if (c.subject() == Subject.KERNEL) return new KernelLoopbackWorkload(c.payload());
        switch (c.path()) {
            case TCP_BULK -> { return new TcpBulkWorkload(new TcpHosts(c.subject(), c.cpus())); }
            case TCP_CONNECT -> { return new TcpConnectWorkload(new TcpHosts(c.subject(), c.cpus()), c.payload()); }
            case UDP -> { }
        }
        return new StackUdpWorkload(new SmpnetHost(c.subject(), c.cpus()), c.payload());
    }
}
