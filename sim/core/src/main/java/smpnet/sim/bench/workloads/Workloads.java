package smpnet.sim.bench.workloads;

import smpnet.sim.bench.plan.BenchCase;
import smpnet.sim.bench.plan.BenchPath;
import smpnet.sim.bench.plan.Subject;

/** Creates the workload that measures a case. */
public final class Workloads {
    private Workloads() {}

    /**
     * Why Linux's TCP baselines cannot run here (they need root, ip and ethtool to make two network
     * namespaces joined by a veth pair), or null when they can.
     */
    public static String linuxTcpUnavailableReason() {
        return VethHosts.unavailableReason();
    }

    public static ReceiveWorkload create(BenchCase c) throws Exception {
        if (c.subject() == Subject.KERNEL) return new KernelLoopbackWorkload(c.payload());
        if (c.path().isTcp()) {
            // a bulk case on 2 CPUs binds its threads (--bind); the connection benchmark binds none
            long processors = c.path() == BenchPath.TCP_BULK ? BenchBinding.processors(c.cpus()) : 0;
            TcpNet net = c.subject().isLinuxTcp() ? new VethHosts(c.subject() == Subject.LINUX)
                    : new TcpHosts(c.subject(), c.cpus(), processors);
            return c.path() == BenchPath.TCP_BULK ? new TcpBulkWorkload(net, 0, c.subject().isZeroCopy(), processors)
                    : new TcpConnectWorkload(net, c.payload());
        }
        return new StackUdpWorkload(new SmpnetHost(c.subject(), c.cpus()), c.payload());
    }
}
