package smpnet.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import smpnet.sim.scenario.ScenarioSpec.Endpoint;
import smpnet.sim.scenario.ScenarioSpec.UdpBlast;
import smpnet.sim.scenario.ScenarioSpec.UdpEcho;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;

class ScenarioParserTest {
    /** Two hosts on a wire, a sink and a blast: every bad file below is this one with one mistake. */
    static final String GOOD = """
            name: pair
            run: {schedule: deterministic, seed: 3}
            hosts:
              - name: a
                nics:
                  - {name: em0, address: 10.0.0.1/24}
              - name: b
                locking: giant
                cpus: 2
                netisr: {workers: 2, dispatch: deferred, placement: flow}
                nics:
                  - {name: em0, address: 10.0.0.2/24, queues: 2}
                sysctl:
                  net.inet.udp.recvspace: 100000
            links:
              - between: [a.em0, b.em0]
            workloads:
              - udp-sink: {host: b, port: 5000}
              - udp-blast: {from: a, to: 10.0.0.2:5000, count: 20}
            """;

    private static String error(String text) {
        return assertThrows(ScenarioError.class, () -> ScenarioParser.parse(text, "bad.yaml", "bad")).getMessage();
    }

    @Test
    void theHttpWorkloadTakesItsDefaultsAndRunsFreeRunningOnly() throws ScenarioError {
        String http = GOOD.replace("run: {schedule: deterministic, seed: 3}", "run: {schedule: free}")
                .replace("  - udp-sink: {host: b, port: 5000}\n", "  - http: {server: b, client: a, requests: 3}\n");
        ScenarioSpec s = ScenarioParser.parse(http, "good.yaml", "good");
        assertEquals(new ScenarioSpec.Http("b", "10.0.0.2", 80, "a", 1, 3, 100_000), s.workloads().getFirst());
        assertEquals("bad.yaml:18: workloads[0]: http runs in free-running runs only (run: {schedule: free}): the example "
                + "server starts threads of its own, which a deterministic schedule does not run",
                error(GOOD.replace("  - udp-sink: {host: b, port: 5000}\n", "  - http: {server: b, client: a}\n")));
    }

    @Test
    void aGoodFileGivesEveryFieldItsValueAndTheRestTheirDefaults() throws ScenarioError {
        ScenarioSpec s = ScenarioParser.parse(GOOD, "good.yaml", "good");
        assertEquals("pair", s.name());
        assertEquals(new ScenarioSpec.RunSpec(true, 3, 8), s.run());
        ScenarioSpec.HostSpec b = s.host("b");
        assertEquals(LockMode.GIANT, b.mode());
        assertEquals(2, b.cpus());
        assertEquals(DispatchPolicy.DEFERRED, b.dispatch());
        assertEquals(PlacementPolicy.FLOW, b.placement());
        assertEquals(List.of(new ScenarioSpec.NicSpec("em0", "10.0.0.2/24", 2, 1024, 1500, false, false)), b.nics());
        assertEquals(java.util.Map.of("net.inet.udp.recvspace", 100000L), b.sysctl());
        assertEquals(LockMode.FINE, s.host("a").mode());
        assertEquals(0, s.host("a").nics().getFirst().queues(), "0: as many as the host's CPUs");
        assertEquals(new ScenarioSpec.LinkSpec(new Endpoint("a", "em0"), new Endpoint("b", "em0"), null), s.links().getFirst());
        assertEquals(new UdpBlast("a", "10.0.0.2", 5000, 1, 64, 20, null, Duration.ZERO), s.workloads().get(1));
        assertTrue(s.compare().isEmpty());
    }

    @Test
    void linkImpairmentsAndEchoDefaults() throws ScenarioError {
        ScenarioSpec s = ScenarioParser.parse(GOOD.replace("  - between: [a.em0, b.em0]\n", """
                  - between: [a.em0, b.em0]
                    latency: 1.5ms
                    jitter: 300us
                    bandwidth: 10Mbit
                    loss: 5%
                    reorder: 0.01
                """).replace("  - udp-blast: {from: a, to: 10.0.0.2:5000, count: 20}\n", "  - udp-echo: {server: b, client: a}\n"),
                "x.yaml", "x");
        assertEquals(Impairments.NONE.withLatency(Duration.ofNanos(1_500_000), Duration.ofNanos(300_000))
                .withBandwidth(10_000_000, 64).withLoss(0.05).withReorder(0.01, Duration.ofMillis(1)), s.links().getFirst().impairments());
        assertEquals(new UdpEcho("b", "10.0.0.2", 7, "a", 100, 32, Duration.ofMillis(20), 10, Duration.ZERO), s.workloads().get(1));
    }

    @Test
    void anUnknownFieldNamesItsLineAndTheFieldsThatExist() {
        assertEquals("bad.yaml:12: hosts[1].nics[0].quees: unknown field (expected one of: address, lro, mtu, name, queues, ring, tso)",
                error(GOOD.replace("queues: 2}", "quees: 2}")));
    }

    @Test
    void aValueOfTheWrongTypeSaysWhatWasExpected() {
        assertEquals("bad.yaml:9: hosts[1].cpus: expected a whole number 1..64, found 'two'", error(GOOD.replace("cpus: 2", "cpus: two")));
        assertEquals("bad.yaml:8: hosts[1].locking: expected one of fine, giant, giant-over-fine, found 'coarse'",
                error(GOOD.replace("locking: giant", "locking: coarse")));
        assertEquals("bad.yaml:6: hosts[0].nics[0].address: expected an IPv4 address with its prefix length, e.g. 10.0.0.1/24, "
                + "found '10.0.0.300/24'", error(GOOD.replace("10.0.0.1/24", "10.0.0.300/24")));
        assertEquals("bad.yaml:18: workloads[0].udp-sink.port: expected a whole number 1..65535, found '70000'",
                error(GOOD.replace("port: 5000}", "port: 70000}")));
        assertEquals("bad.yaml:12: hosts[1].nics[0].lro: expected true or false, found '3'",
                error(GOOD.replace("queues: 2}", "queues: 2, lro: 3}")));
        assertEquals("bad.yaml:12: hosts[1].nics[0].tso: expected true or false, found 'maybe'",
                error(GOOD.replace("queues: 2}", "queues: 2, tso: maybe}")));
        assertEquals("bad.yaml:4: hosts[0]: expected a mapping of cpus, forwarding, locking, name, netisr, nics, routes, sysctl, "
                + "found 'a'", error(GOOD.replace("  - name: a\n    nics:\n      - {name: em0, address: 10.0.0.1/24}\n", "  - a\n")));
    }

    @Test
    void aMissingFieldNamesItsMapping() {
        assertEquals("bad.yaml:19: workloads[1].udp-blast: give either count or seconds (how long the blast goes on)",
                error(GOOD.replace(", count: 20}", "}")));
        assertEquals("bad.yaml:18: workloads: expected a list of workloads, found a mapping",
                error(GOOD.substring(0, GOOD.indexOf("workloads:")) + "workloads:\n  udp-sink: {host: b, port: 5000}\n"));
        assertEquals("bad.yaml:1: missing field 'hosts'", error("name: x\nworkloads: []\n"));
    }

    @Test
    void referencesToHostsAndNicsMustExist() {
        assertEquals("bad.yaml:16: links[0].between[1]: host 'b' has no NIC named 'em1' (its NICs: em0)",
                error(GOOD.replace("[a.em0, b.em0]", "[a.em0, b.em1]")));
        assertEquals("bad.yaml:16: links[0].between[1]: no host named 'c' (hosts: a, b)", error(GOOD.replace("[a.em0, b.em0]", "[a.em0, c.em0]")));
        assertEquals("bad.yaml:18: workloads[0].udp-sink.host: no host named 'z' (hosts: a, b)", error(GOOD.replace("host: b", "host: z")));
        assertEquals("bad.yaml:17: links[1].between[0]: a.em0 is already on a link (a NIC takes one cable)",
                error(GOOD.replace("  - between: [a.em0, b.em0]\n", "  - between: [a.em0, b.em0]\n  - between: [a.em0, b.em0]\n")));
    }

    @Test
    void settingsAreCheckedByTheirSysctlNames() {
        assertEquals("bad.yaml:14: hosts[1].sysctl.net.inet.udp.recvspce: unknown sysctl net.inet.udp.recvspce "
                + "(./smpnet sysctl lists the settings)", error(GOOD.replace("recvspace", "recvspce")));
        assertTrue(error(GOOD.replace("net.inet.udp.recvspace: 100000", "net.isr.numthreads: 4"))
                .startsWith("bad.yaml:14: hosts[1].sysctl.net.isr.numthreads: "), "read-only");
    }

    @Test
    void aDeterministicRunIsBoundedByCounts() {
        assertEquals("bad.yaml:19: workloads[1].udp-blast.seconds: a deterministic run is bounded by counts: give count instead",
                error(GOOD.replace("count: 20}", "seconds: 1s}")));
    }

    @Test
    void brokenYamlAndRepeatedKeysNameTheirLine() {
        assertTrue(error(GOOD.replace("  - name: b\n", "  - name: b\n   oops: [\n")).startsWith("bad.yaml:8: not valid YAML: "),
                error(GOOD.replace("  - name: b\n", "  - name: b\n   oops: [\n")));
        assertEquals("bad.yaml:9: hosts[1].cpus: given twice (first at line 8)", error(GOOD.replace("locking: giant", "cpus: 1")));
        assertEquals("bad.yaml:7: hosts[1]: host 'a' is defined twice (first at line 4)", error(GOOD.replace("name: b\n", "name: a\n")));
        assertEquals("bad.yaml:0: empty file (expected a scenario: hosts, links, workloads)", error("# nothing\n"));
    }

    @Test
    void theShippedScenariosParse() throws IOException, ScenarioError {
        Path dir = Path.of(System.getProperty("user.dir")).resolve("../scenarios").normalize();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 3, files.toString());
        for (Path f : files) {
            ScenarioSpec spec = ScenarioParser.read(f);
            assertEquals(f.getFileName().toString().replace(".yaml", ""), spec.name(), f.toString());
        }
        ScenarioSpec main = ScenarioParser.read(dir.resolve("giant-vs-fine.yaml"));
        assertEquals(List.of("locking=giant cpus=1", "locking=giant cpus=2", "locking=fine cpus=1", "locking=fine cpus=2"),
                List.copyOf(ScenarioRunner.variants(main).keySet()));
        assertNull(main.host("tx").nic("em1"));
    }
}
