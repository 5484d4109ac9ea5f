package smpnet.sim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.stack.Stack;
import smpnet.stack.dev.SimNic;

/** {@code capture FILE --out DIR}: a pcap file per interface of a scenario's run. */
@Command(name = "capture",
        description = {"Runs a scenario file, capturing every frame each host's interfaces send and receive into "
                + "DIR/HOST-NIC.pcap (classic libpcap, Ethernet: tshark, Wireshark and tcpdump read it); with compared "
                + "variants, DIR/VARIANT/HOST-NIC.pcap."})
public final class CaptureCommand extends ScenarioFileCommand {
    @Option(names = "--out", paramLabel = "DIR", description = {"where the pcap files go; default: capture"})
    Path out = Path.of("capture");

    @Override
    public Integer call() throws Exception {
        ScenarioSpec s = scenario();
        if (s == null) return SmpnetCommand.USAGE;
        List<Path> written = new ArrayList<>();
        boolean variants = !s.compare().isEmpty();
        ScenarioRunner.run(s, null, out()::println, new ScenarioRunner.HostObserver() {
            @Override
            public void built(String variant, Stack host, Map<String, SimNic> nics) {
                Path dir = variants ? out.resolve(variant.replace(' ', '-').replace('=', '-')) : out;
                try {
                    Files.createDirectories(dir);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                nics.forEach((name, nic) -> {
                    Path f = dir.resolve(host.name() + "-" + name + ".pcap");
                    host.capture(nic, f);
                    written.add(f);
                });
            }
        });
        for (Path f : written) out().println("wrote " + f);
        return 0;
    }
}
