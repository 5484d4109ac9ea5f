package smpnet.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import smpnet.locking.LockProfiler;
import smpnet.locking.Scheduler;
import smpnet.sim.scenario.ScenarioParser;
import smpnet.sim.scenario.ScenarioRunner;
import smpnet.sim.scenario.ScenarioSpec;
import smpnet.stack.internal.trace.PacketProbe;
import smpnet.stack.mbuf.MbufLeakExtension;
import smpnet.witness.junit.WitnessExtension;

/** A traced deterministic scenario, read back with Jackson: its tracks, lock slices, packet flows, counters and bound. */
@ExtendWith({WitnessExtension.class, MbufLeakExtension.class})
class ChromeTraceTest {
    /**
     * Two hosts; b defers input to two netisr workers, and both send through their NICs' transmit threads (no
     * direct transmit), so a datagram crosses four threads on its way up.
     */
    static final String PAIR = """
            name: traced
            run: {schedule: deterministic, seed: 11}
            hosts:
              - name: a
                nics: [{name: em0, address: 10.0.0.1/24}]
                sysctl: {net.link.tx_direct: 0}
              - name: b
                locking: giant
                cpus: 2
                netisr: {dispatch: deferred, placement: flow}
                nics: [{name: em0, address: 10.0.0.2/24}]
                sysctl: {net.link.tx_direct: 0}
            links:
              - between: [a.em0, b.em0]
            workloads:
              - udp-sink: {host: b, port: 5000}
              - udp-blast: {from: a, to: 10.0.0.2:5000, flows: 2, count: 5}
            """;

    private static JsonNode traced(Path file, int limit) throws Exception {
        ScenarioSpec spec = ScenarioParser.parse(PAIR, "traced.yaml", "traced");
        ChromeTrace trace = new ChromeTrace(limit);
        ScenarioRunner.run(spec, trace);
        trace.write(file, spec.name());
        return new ObjectMapper().readTree(file.toFile());
    }

    /** Thread id to thread name, from the metadata events. */
    private static Map<Integer, String> threads(JsonNode root) {
        Map<Integer, String> out = new HashMap<>();
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("ph").asText().equals("M") && e.get("name").asText().equals("thread_name")) {
                out.put(e.get("tid").asInt(), e.get("args").get("name").asText());
            }
        }
        return out;
    }

    @Test
    void aTraceHasATrackPerThreadLockSlicesFlowsAcrossThreadsAndCounters(@TempDir Path dir) throws Exception {
        JsonNode root = traced(dir.resolve("t.json"), ChromeTrace.DEFAULT_LIMIT);
        assertEquals(0, root.get("otherData").get("dropped").asLong());
        Map<Integer, String> threads = threads(root);
        Set<String> names = new HashSet<>(threads.values());
        for (String expected : List.of("b-netisr0", "b-netisr1", "b.em0 em0-rx0", "b.em0 em0-rx1", "a.em0 em0-tx0", "sink-b:5000", "blast-a", "main")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
        assertTrue(names.stream().noneMatch(n -> n.equals("trace-sampler")), "the sampler's own reads stay out: " + names);

        Map<String, Integer> lockSlices = new HashMap<>();
        Map<Long, List<JsonNode>> flows = new LinkedHashMap<>();
        Map<String, JsonNode> counters = new HashMap<>();
        for (JsonNode e : root.get("traceEvents")) {
            String ph = e.get("ph").asText();
            String cat = e.path("cat").asText();
            if (ph.equals("X")) {
                assertTrue(e.get("dur").asDouble() >= 0, e.toString());
                assertTrue(threads.containsKey(e.get("tid").asInt()), "every slice is on a named track: " + e);
            }
            if (ph.equals("X") && cat.equals("lock")) lockSlices.merge(e.get("name").asText(), 1, Integer::sum);
            if (cat.equals("packet") && List.of("s", "t", "f").contains(ph)) flows.computeIfAbsent(e.get("id").asLong(), k -> new ArrayList<>()).add(e);
            if (ph.equals("C")) counters.put(e.get("name").asText(), e.get("args"));
        }
        // Giant mode: the host's Giant, with the per-ring and per-socket locks a driver and a socket still take.
        for (String lock : List.of("Giant", "rxring", "so_rcv", "netisr")) assertTrue(lockSlices.containsKey(lock), lock + " in " + lockSlices);

        // Every datagram the sink received is one flow from the NIC ring to the receive, across four threads:
        // a's transmit thread fills b's ring, b's ithread queues it to a netisr worker, the worker appends it to
        // the socket buffer, the sink's thread receives it.
        int complete = 0;
        for (List<JsonNode> f : flows.values()) {
            if (!f.getFirst().get("ph").asText().equals("s") || !f.getLast().get("ph").asText().equals("f")) continue;
            complete++;
            List<String> tracks = new ArrayList<>();
            for (JsonNode e : f) {
                String t = threads.get(e.get("tid").asInt());
                if (tracks.isEmpty() || !tracks.getLast().equals(t)) tracks.add(t);
            }
            assertTrue(tracks.get(0).startsWith("a.em0 em0-tx"), tracks.toString());
            assertTrue(tracks.get(1).startsWith("b.em0 em0-rx"), tracks.toString());
            assertTrue(tracks.get(2).startsWith("b-netisr"), tracks.toString());
            assertEquals("sink-b:5000", tracks.get(3), tracks.toString());
            assertEquals(4, tracks.size(), tracks.toString());
            assertEquals(6, f.size(), "ring, driver input, netisr queue, protocol input, socket buffer, receive: " + f);
        }
        assertEquals(10, complete, "the 10 datagrams, each followed from ring to receive");

        assertTrue(counters.containsKey("netisr queue depth"), counters.toString());
        assertEquals(Set.of("a", "b"), fieldNames(counters.get("mbufs in use")));
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theTraceKeepsNoMoreThanItsLimitAndCountsTheRest(@TempDir Path dir) throws Exception {
        JsonNode root = traced(dir.resolve("small.json"), 40);
        JsonNode other = root.get("otherData");
        assertEquals(40, other.get("events").asInt());
        assertEquals(40, other.get("limitPerRun").asInt());
        assertTrue(other.get("dropped").asLong() > 1000, other.toString());
        int kept = 0;
        for (JsonNode e : root.get("traceEvents")) if (!e.get("ph").asText().equals("M")) kept++;
        assertEquals(40, kept);
    }

    @Test
    void stoppingGivesTheProfilerAndTheProbeBackAndRecordsNothingMore() {
        LockProfiler.setMode(LockProfiler.Mode.CONTENDED);
        try {
            ChromeTrace t = new ChromeTrace(10);
            t.start("one", Scheduler.current());
            assertEquals(LockProfiler.Mode.CLASSES, LockProfiler.mode());
            PacketProbe.hop(PacketProbe.Hop.NIC_RING, new Object(), "em0");
            assertEquals(2, t.size(), "a hop slice and the start of its flow");
            t.stop();
            assertEquals(LockProfiler.Mode.CONTENDED, LockProfiler.mode());
            PacketProbe.hop(PacketProbe.Hop.NIC_RING, new Object(), "em0");
            t.held("x", true, 0, 1, 2);
            assertEquals(2, t.size());
        } finally {
            LockProfiler.setMode(LockProfiler.Mode.OFF);
        }
    }

    @Test
    void mergingMakesEachPartAProcessAndAddsUpTheCounts(@TempDir Path dir) throws Exception {
        List<Path> parts = new ArrayList<>();
        for (String name : List.of("giant", "fine")) {
            ChromeTrace t = new ChromeTrace(3);
            t.start(name, Scheduler.current());
            for (int i = 0; i < 3; i++) PacketProbe.hop(PacketProbe.Hop.NIC_RING, new Object(), "em0");
            t.stop();
            parts.add(dir.resolve(name + ".json"));
            t.write(parts.getLast(), name);
        }
        Path joined = dir.resolve("joined.json");
        assertEquals(6, ChromeTrace.merge(parts, joined, "both"));
        JsonNode root = new ObjectMapper().readTree(joined.toFile());
        assertEquals("{\"title\":\"both\",\"events\":6,\"dropped\":6}", root.get("otherData").toString());
        Map<Integer, String> processes = new HashMap<>();
        Map<Integer, Integer> perProcess = new HashMap<>();
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("name").asText().equals("process_name")) processes.put(e.get("pid").asInt(), e.get("args").get("name").asText());
            if (!e.get("ph").asText().equals("M")) perProcess.merge(e.get("pid").asInt(), 1, Integer::sum);
        }
        assertEquals(Map.of(1, "giant", 2, "fine"), processes);
        assertEquals(Map.of(1, 3, 2, 3), perProcess);
    }

    @Test
    void namesAreEscapedForJson() {
        assertEquals("a\\\"b\\\\c\\nd\\u0001", ChromeTrace.json("a\"b\\c\nd\u0001"));
    }
}
