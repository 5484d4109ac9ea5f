package smpnet.sim.cli;

import picocli.CommandLine.Command;
import smpnet.sim.bench.plan.BenchOptions;

/** {@code bench-tcp}: smpnet's TCP beside Linux's, one connection's bulk transfer and connections per second. */
@Command(name = "bench-tcp", sortOptions = false,
        description = {"smpnet's TCP beside Linux's in one run: one connection's bulk throughput (MB/s) between two "
                + "smpnet hosts over a wire with MTU 1500, Giant and fine, on 1 and 2 CPUs, with the copying send and "
                + "with the zero-copy send (giant-zc, fine-zc) and with the NICs' offloads on (giant-offload, fine-offload: "
                + "TCP segmentation and large receive offload), beside Linux's TCP between "
                + "two network namespaces joined by a veth pair with MTU 1500 on as many CPUs, its offloads on and off "
                + "(ethtool -K); and connections per second through one listener beside Linux's. Prints one table per "
                + "path with the ratios smpnet/Linux and writes CSV and JSON. Linux's side needs root, ip and ethtool; "
                + "without them smpnet's side runs alone and the report says why."})
public final class BenchTcpCommand extends BenchCommand {
    @Override
    BenchOptions defaults() { return BenchOptions.benchTcp(); }
}
