package smpnet.sim.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.stack.Stack;
import smpnet.stack.dev.SimNic;

/** {@code netstat FILE}: a scenario's hosts as its workloads leave them: sockets, pcbs, interfaces and protocol counters. */
@Command(name = "netstat",
        description = {"Runs a scenario file and prints, for each host once its workloads have ended: its TCP "
                + "connections, pcbs, timers and syncache entries (as 'netstat -a' counts them), each interface's "
                + "packets and TX queue counters, and every protocol's counters (as 'netstat -s')."})
public final class NetstatCommand extends ScenarioFileCommand {
    @Override
    public Integer call() throws Exception {
        ScenarioSpec s = scenario();
        if (s == null) return SmpnetCommand.USAGE;
        ScenarioRunner.run(s, null, out()::println, new ScenarioRunner.HostObserver() {
            private final Map<String, SimNic> nics = new java.util.LinkedHashMap<>();

            @Override
            public void built(String variant, Stack host, Map<String, SimNic> own) {
                own.forEach((n, nic) -> nics.put(host.name() + "." + n, nic));
            }

            @Override
            public void ended(String variant, Stack host) {
                out().printf("== %s (%s)%n", host.name(), variant);
                Stack.TcpResources t = host.tcpResources();
                out().printf("tcp sockets: %d connections, %d pcbs, %d timers, %d syncache entries%n", t.connections(),
                        t.pcbs(), t.timers(), t.syncacheEntries());
                nics.forEach((name, nic) -> {
                    if (!name.startsWith(host.name() + ".")) return;
                    var c = nic.counters();
                    out().printf("%s: in %d packets, out %d packets, drops in %d out %d%n", name.substring(host.name().length() + 1),
                            c.inPackets(), c.outPackets(), c.inDrops(), c.outDrops());
                    if (nic.lro()) { // ifconfig's options=...<LRO>, and the driver's lro_ctrl counters
                        SimNic.LroCounters l = nic.lroCounters();
                        out().printf("  options=LRO: queued %d, flushed %d, merged %d, bad checksums %d%n",
                                l.queued(), l.flushed(), l.merged(), l.badChecksum());
                    }
                    if (nic.tso()) { // ifconfig's options=...<TSO4>, what the NIC cut, its ring and its limits
                        out().printf("  options=TSO4: packets %d, frames %d, payload bytes copied %d, queued whole %d "
                                        + "in %d descriptors; tsomax %d, tsomaxsegcount %d, tsomaxsegsize %d%n",
                                nic.tsoPackets(), nic.tsoFrames(), nic.tsoPayloadBytesCopied(), nic.tsoQueued(),
                                nic.tsoDescriptors(), nic.tsoMax(), nic.tsoMaxSegCount(), nic.tsoMaxSegSize());
                    }
                    // iflib's per-TX-queue mp_ring and descriptor counters, summed over the queues
                    SimNic.TxRingCounters r = nic.txRingCounters();
                    out().printf("  txq: %d descriptors, soft queue %d packets: waited %d, no descriptors %d, "
                                    + "soft queue drops %d%n", nic.config().ringSize(), nic.config().txSoftQueue(),
                            r.softQueued(), r.noDescriptors(), r.softDrops());
                });
                out().print(host.netstat());
            }
        });
        return 0;
    }
}
