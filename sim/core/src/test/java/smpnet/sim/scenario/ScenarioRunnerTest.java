package smpnet.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.sim.cli.SmpnetCommand;
import smpnet.sim.scenario.ScenarioResult.Variant;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;

@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class ScenarioRunnerTest {
    static final Path SCENARIOS = Path.of(System.getProperty("user.dir")).resolve("../scenarios").normalize();

    private static ScenarioResult run(String text) throws Exception {
        return ScenarioRunner.run(ScenarioParser.parse(text, "t.yaml", "t"));
    }

    @Test
    void aDeterministicPairDeliversEveryDatagramAndReplaysExactly() throws Exception {
        ScenarioResult r = run(ScenarioParserTest.GOOD);
        Variant v = r.variants().getFirst();
        assertEquals("as written", v.name());
        // A wire has no latency and virtual time stands still while nobody waits: all 20 arrive at one instant.
        assertEquals("received 20 datagrams, 1280 B", v.workloads().get(0).summary());
        assertTrue(!v.workloads().get(0).hasRate());
        assertTrue(v.workloads().get(1).summary().startsWith("sent 20 datagrams of 64 B from 1 socket(s) in "), v.workloads().get(1).summary());
        assertTrue(v.hosts().get(1).startsWith("b (giant, 2 cpu): nic in 21 out 1, drops in 0 out 0; "), v.hosts().get(1));
        assertTrue(v.hosts().get(1).endsWith("; udp RECEIVED=20 DELIVERED=20"), v.hosts().get(1));
        assertTrue(v.decisions() > 0);
        assertEquals(r.format(), run(ScenarioParserTest.GOOD).format(), "the same seed, the same run");
        assertTrue(r.format().startsWith("scenario pair: deterministic (preempt 1 in 8), seed 3\n\n== as written: "), r.format());
    }

    @Test
    void comparedVariantsChangeTheNamedHostsAndAreTabled() throws Exception {
        // A 1 Mbit/s line spaces the datagrams out (about 0.7 ms each), so the sink has a rate; 10 datagrams,
        // since ARP holds no more than 16 while it resolves (and resolving now waits for the line too).
        List<String> progress = new java.util.ArrayList<>();
        ScenarioResult r = ScenarioRunner.run(ScenarioParser.parse(ScenarioParserTest.GOOD.replace("[a.em0, b.em0]\n",
                "[a.em0, b.em0]\n    bandwidth: 1Mbit\n").replace("count: 20", "count: 10")
                + "compare: {hosts: [b], locking: [giant, fine], cpus: [1, 2]}\n", "t.yaml", "t"), null, progress::add);
        assertEquals(8, progress.size(), progress.toString());
        assertEquals("[1/4] locking=giant cpus=1 ...", progress.get(0));
        assertTrue(progress.get(1).matches("      done: 0\\.\\d{3} s virtual"), progress.get(1));
        assertEquals("[4/4] locking=fine cpus=2 ...", progress.get(6));
        assertEquals(List.of("locking=giant cpus=1", "locking=giant cpus=2", "locking=fine cpus=1", "locking=fine cpus=2"), r.variantNames());
        String[] expect = {"b (giant, 1 cpu)", "b (giant, 2 cpu)", "b (fine, 1 cpu)", "b (fine, 2 cpu)"};
        for (int i = 0; i < 4; i++) {
            Variant v = r.variants().get(i);
            assertTrue(v.hosts().get(0).startsWith("a (fine, 1 cpu)"), v.hosts().get(0));
            assertTrue(v.hosts().get(1).startsWith(expect[i] + ": nic in 11 "), v.hosts().get(1));
            assertTrue(v.workloads().get(0).summary().startsWith("received 10 datagrams, 640 B in 0.00"), v.workloads().get(0).summary());
            assertTrue(v.workloads().get(0).hasRate(), v.workloads().get(0).toString());
        }
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.json());
        assertEquals(4, json.get("variants").size());
        assertEquals("locking=fine cpus=2", json.get("variants").get(3).get("name").asText());
        assertEquals(r.variants().get(3).workloads().get(0).rate(),
                json.get("variants").get(3).get("workloads").get(0).get("rate").asDouble());
        List<String> csv = r.csv().lines().toList();
        assertEquals(9, csv.size(), csv.toString());
        assertTrue(csv.get(1).startsWith("locking=giant cpus=1,udp-sink b:5000,"), csv.get(1));
        assertTrue(csv.get(1).endsWith(",datagrams/s"), csv.get(1));
        String text = r.format();
        assertTrue(text.contains("\n== comparison\n  udp-sink b:5000 (datagrams/s)\n    locking=giant cpus=1 "), text);
        assertTrue(text.contains("1.00x\n    locking=giant cpus=2 "), text);
    }

    @Test
    void theRoutedLossyExampleAnswersEveryEchoAndAccountsForEveryFrame() throws Exception {
        ScenarioResult r = ScenarioRunner.run(ScenarioParser.read(SCENARIOS.resolve("routed-lossy.yaml")));
        Variant v = r.variants().getFirst();
        assertTrue(v.workloads().get(1).summary().startsWith("sent 200 datagrams of 200 B from 2 socket(s)"), v.workloads().get(1).summary());
        assertTrue(v.workloads().get(2).summary().startsWith("50 of 50 requests answered, "), v.workloads().get(2).summary());
        Matcher sink = Pattern.compile("received (\\d+) datagrams").matcher(v.workloads().get(0).summary());
        assertTrue(sink.find());
        int received = Integer.parseInt(sink.group(1));
        assertTrue(received > 0 && received < 200, "the 10 Mbit/s link's queue drops part of the burst: " + received);
        assertTrue(v.hosts().get(1).contains("ip RECEIVED=302 FORWARDED=302"), v.hosts().get(1));
        // Each direction of the impaired link: every frame delivered, lost or dropped at the queue.
        Pattern link = Pattern.compile("(\\d+) frames, (\\d+) delivered(?:, (\\d+) lost)?(?:, (\\d+) dropped at the queue)?$");
        assertEquals(2, v.links().size());
        for (String l : v.links()) {
            Matcher m = link.matcher(l);
            assertTrue(m.find(), l);
            long sum = Long.parseLong(m.group(2)) + (m.group(3) == null ? 0 : Long.parseLong(m.group(3)))
                    + (m.group(4) == null ? 0 : Long.parseLong(m.group(4)));
            assertEquals(Long.parseLong(m.group(1)), sum, l);
        }
        assertEquals(r.format(), ScenarioRunner.run(ScenarioParser.read(SCENARIOS.resolve("routed-lossy.yaml"))).format());
    }

    /** The example TCP scenario at a tiny scale: every byte and every request counted at both ends. */
    @Test
    void theTcpWorkloadsScenarioCarriesEveryByteAndEveryRequest() throws Exception {
        String text = Files.readString(SCENARIOS.resolve("tcp-workloads.yaml"));
        String tiny = text.replace("bytes: 10000000", "bytes: 200000").replace("count: 1000, payload: 64", "count: 20, payload: 64")
                .replace("connections: 1000, count: 10", "connections: 8, count: 3");
        assertTrue(!tiny.equals(text) && tiny.contains("bytes: 200000") && tiny.contains("connections: 8, count: 3"), tiny);
        List<ScenarioResult.WorkloadResult> w = run(tiny).variants().getFirst().workloads();
        assertEquals(3, w.size());
        assertTrue(w.get(0).summary().startsWith("200000 bytes sent, 200000 received by the server in "), w.get(0).summary());
        assertTrue(w.get(1).summary().startsWith("1 connections x 20 requests of 64 B: 20 echoed by the server, 20 replies in "),
                w.get(1).summary());
        assertTrue(w.get(2).summary().startsWith("8 connections x 3 requests of 64 B: 24 echoed by the server, 24 replies in "),
                w.get(2).summary());
        for (ScenarioResult.WorkloadResult x : w) assertTrue(x.hasRate() && x.rate() > 0, x.toString());
    }

    /** The seeded TCP scenario in each of its three locking modes: every request echoed and answered, and a replay is exact. */
    @Test
    void theTcpThreeModesScenarioAnswersEveryRequestInEachModeAndReplays() throws Exception {
        ScenarioSpec spec = ScenarioParser.read(SCENARIOS.resolve("tcp-three-modes.yaml"));
        ScenarioResult r = ScenarioRunner.run(spec);
        assertEquals(List.of("locking=giant", "locking=giant-over-fine", "locking=fine"),
                r.variants().stream().map(Variant::name).toList());
        for (Variant v : r.variants()) {
            assertTrue(v.workloads().get(0).summary().startsWith("1 connections x 20 requests of 64 B: 20 echoed by the server, "
                    + "20 replies in "), v.name() + ": " + v.workloads().get(0).summary());
            assertTrue(v.workloads().get(1).summary().startsWith("10 connections x 1 requests of 64 B: 10 echoed by the server, "
                    + "10 replies in "), v.name() + ": " + v.workloads().get(1).summary());
        }
        assertEquals(r.format(), ScenarioRunner.run(spec).format());
    }

    @Test
    void theHttpExampleFetchesEveryPageIntact() throws Exception {
        ScenarioResult r = ScenarioRunner.run(ScenarioParser.read(SCENARIOS.resolve("http.yaml")));
        List<ScenarioResult.WorkloadResult> w = r.variants().getFirst().workloads();
        assertEquals(1, w.size());
        assertEquals("http client -> www:80", w.getFirst().label());
        assertTrue(w.getFirst().summary().startsWith("2 connections x 10 GETs of a 100000-byte page in "), w.getFirst().summary());
        assertTrue(w.getFirst().hasRate() && w.getFirst().rate() > 0, w.getFirst().toString());
    }

    @Test
    void theScenarioCommandRunsAFileAndReportsABadOneWithItsLine(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, ScenarioParserTest.GOOD.replace("cpus: 2", "cpus: 0"));
        assertEquals(SmpnetCommand.USAGE, SmpnetCommand.execute(List.of("scenario", bad.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals(bad + ":9: hosts[1].cpus: expected a whole number 1..64, found '0'\n", err.toString(StandardCharsets.UTF_8));
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, ScenarioParserTest.GOOD);
        err.reset();
        assertEquals(0, SmpnetCommand.execute(List.of("scenario", good.toString(), "--seed", "5", "--out", dir.resolve("res").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("scenario pair: deterministic (preempt 1 in 8), seed 5\n"), out.toString());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("wrote " + dir.resolve("res/pair.json") + "\nwrote "
                + dir.resolve("res/pair.csv") + "\nwrote " + dir.resolve("res/pair.html") + "\n"), out.toString());
        assertTrue(Files.readString(dir.resolve("res/pair.html")).contains("<td>as written</td>"));
        assertEquals("variant,workload,rate,unit\nas written,udp-sink b:5000,,datagrams/s\nas written,udp-blast a -> 10.0.0.2:5000,,"
                + "datagrams/s\n", Files.readString(dir.resolve("res/pair.csv")));
    }
}
