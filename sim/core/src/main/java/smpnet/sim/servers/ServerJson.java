package smpnet.sim.servers;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ServerComparison} as JSON and back: what {@code servers --out} writes as {@code servers.json}, and
 * what a fork's child JVM hands its parent ({@link ServerForks}), which reads it back to merge the forks.
 */
final class ServerJson {
    private ServerJson() {}

    /**
     * The comparison {@link #write} wrote, read back: its results and mbufs outstanding, under {@code plan} (the
     * JSON's plan does not hold the models, the counts nor the placement). A fork's child JVM writes its
     * comparison so ({@link ServerForks}); the parts' flags are recomputed from their facts.
     */
    static ServerComparison read(ServerPlan plan, String json) throws java.io.IOException {
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        List<ServerResult> results = new ArrayList<>();
        for (var o : root.path("results")) {
            ServerModel m = ServerModel.of(o.path("model").asText());
            int n = o.path("connections").asInt();
            if (o.has("stopped")) {
                results.add(ServerResult.notRun(m, n, o.path("stopped").asText()));
                continue;
            }
            ServerResult.LoopCost loop = null;
            if (o.has("loop")) {
                var l = o.path("loop");
                List<ServerResult.PartFacts> facts = new ArrayList<>();
                for (var f : l.path("partFacts")) {
                    facts.add(new ServerResult.PartFacts(f.path("events").asLong(), number(f, "wallMillis"), number(f, "coresBusy"),
                            number(f, "loopBusy"), number(f, "eventsPerPoll"), number(f, "sleepsPerEvent"), number(f, "wakeupsPerEvent"),
                            f.path("cpu").asInt(), number(f, "cpuShare"), f.path("migrations").asLong(), number(f, "runWaitMillis"),
                            f.path("involuntary").asLong(), number(f, "segmentsPerEvent"), number(f, "acksPerEvent"),
                            f.path("compileMillis").asLong(), f.path("gcs").asLong()));
                }
                loop = new ServerResult.LoopCost(l.path("events").asLong(), l.path("requests").asLong(), l.path("polls").asLong(),
                        l.path("cpuNanos").asLong(), l.path("queueNanos").asLong(), l.path("sleepingPolls").asLong(),
                        l.path("sleepingNanos").asLong(), l.path("sleepingEvents").asLong(), l.path("parks").asLong(),
                        l.path("unparks").asLong(), l.path("waitNanos").asLong(), l.path("wakeNanos").asLong(),
                        l.path("writeEvents").asLong(), l.path("gcs").asLong(), l.path("gcMillis").asLong(),
                        l.path("compileMillis").asLong(), l.path("warmupRequests").asLong(), l.path("settled").asBoolean(),
                        numbers(l.path("partNanosPerEvent")), numbers(l.path("queuePartNanosPerEvent")),
                        // a file from before the work was measured: the work is the whole cost
                        numbers(l.has("workPartNanosPerEvent") ? l.path("workPartNanosPerEvent") : l.path("partNanosPerEvent")),
                        java.util.stream.StreamSupport.stream(l.path("partGcs").spliterator(), false).mapToLong(x -> x.asLong()).toArray(),
                        l.path("windowRepeats").asInt(), l.path("servedWithin").asLong(), l.path("fullGcMillis").asLong(), facts,
                        l.path("placement").asText(), number(l, "otherCores"));
            }
            List<double[]> cdf = new ArrayList<>();
            for (var pt : o.path("latencyCdf")) cdf.add(numbers(pt));
            results.add(new ServerResult(m, n, o.path("requests").asLong(), o.path("echoed").asLong(), number(o, "seconds"),
                    number(o, "p50Micros"), number(o, "p99Micros"), number(o, "p999Micros"), o.path("serverParks").asLong(),
                    o.path("contextSwitches").asLong(), o.path("cpuNanos").asLong(), loop, o.path("retransmits").asLong(),
                    o.path("ringDrops").asLong(), null, cdf.toArray(double[][]::new)));
        }
        return ServerComparison.of(plan, results, root.path("mbufsOutstanding").asLong());
    }

    /** The number {@code field} of {@code o}: NaN where JSON has none (Jackson writes a NaN as the string "NaN"). */
    private static double number(com.fasterxml.jackson.databind.JsonNode o, String field) {
        return number(o.path(field));
    }

    private static double number(com.fasterxml.jackson.databind.JsonNode v) {
        return v.isNumber() ? v.asDouble() : v.isTextual() ? Double.parseDouble(v.asText()) : Double.NaN;
    }

    private static double[] numbers(com.fasterxml.jackson.databind.JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) v[i] = number(array.get(i));
        return v;
    }

    /** {@code c}'s figures as JSON: the plan, and a case per element of its results (latency CDF included). */
    static String write(ServerComparison c) {
        ServerPlan plan = c.plan();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = mapper.createObjectNode();
        var p = root.putObject("plan");
        p.put("requests", plan.requests()).put("payload", plan.payload()).put("poolThreads", plan.poolThreads())
                .put("maxThreads", plan.maxThreads()).put("clientLoops", plan.clientLoops())
                .put("inFlight", plan.inFlight()).put("loopWarmup", plan.loopWarmup()).put("loopRequests", plan.loopRequests())
                .put("loopParts", plan.loopParts())
.put("active", plan.active()).put("rate", plan.rate());
        root.put("mbufsOutstanding", c.mbufsOutstanding());
        if (c.forkCount() > 0) root.put("forks", c.forkCount());
        var arr = root.putArray("results");
        for (ServerResult r : c.results()) {
            var o = arr.addObject();
            o.put("model", r.model().label()).put("connections", r.connections()).put("requests", r.requests())
                    .put("echoed", r.echoed());
            if (r.completed()) {
                o.put("seconds", r.seconds()).put("requestsPerSecond", r.throughput()).put("p50Micros", r.p50Micros())
                        .put("p99Micros", r.p99Micros()).put("p999Micros", r.p999Micros()).put("serverParks", r.serverParks())
                        .put("contextSwitches", r.contextSwitches()).put("cpuNanos", r.cpuNanos())
                        .put("retransmits", r.retransmits()).put("ringDrops", r.ringDrops());
                if (r.loop() != null) {
                    ServerResult.LoopCost l = r.loop();
                    o.put("loopNanosPerEvent", r.loopNanosPerEvent()).put("queueNanosPerEvent", r.queueNanosPerEvent())
                            .put("workNanosPerEvent", l.medianWorkNanosPerEvent());
                    var lo = o.putObject("loop").put("events", l.events()).put("requests", l.requests()).put("polls", l.polls())
                            .put("cpuNanos", l.cpuNanos()).put("queueNanos", l.queueNanos()).put("sleepingPolls", l.sleepingPolls()).put("sleepingEvents", l.sleepingEvents())
                            .put("sleepingNanos", l.sleepingNanos()).put("parks", l.parks()).put("unparks", l.unparks())
                            .put("waitNanos", l.waitNanos()).put("wakeNanos", l.wakeNanos())
                            .put("writeEvents", l.writeEvents()).put("gcs", l.gcs()).put("gcMillis", l.gcMillis())
                            .put("compileMillis", l.compileMillis()).put("warmupRequests", l.warmupRequests())
                            .put("settled", l.settled()).put("windowRepeats", l.repeats()).put("servedWithin", l.servedWithin())
                            .put("fullGcMillis", l.fullGcMillis()).put("placement", l.placement())
                            .put("partsShared", l.partsShared()).put("otherCores", l.otherCores());
                    var parts = lo.putArray("partNanosPerEvent");
                    for (double x : l.parts()) parts.add(x);
                    var queueParts = lo.putArray("queuePartNanosPerEvent");
                    for (double x : l.queueParts()) queueParts.add(x);
                    var workParts = lo.putArray("workPartNanosPerEvent");
                    for (double x : l.workParts()) workParts.add(x);
                    var partGcs = lo.putArray("partGcs");
                    for (long x : l.partGcs()) partGcs.add(x);
                    var partShared = lo.putArray("partShared");
                    for (int i = 0; i < l.parts().length; i++) partShared.add(l.shared(i));
                    var facts = lo.putArray("partFacts");
                    for (ServerResult.PartFacts f : l.facts()) {
                        facts.addObject().put("events", f.events()).put("wallMillis", f.wallMillis()).put("coresBusy", f.coresBusy())
                                .put("loopBusy", f.loopBusy()).put("eventsPerPoll", f.eventsPerPoll())
                                .put("sleepsPerEvent", f.sleepsPerEvent()).put("wakeupsPerEvent", f.wakeupsPerEvent())
                                .put("cpu", f.cpu()).put("cpuShare", f.cpuShare()).put("migrations", f.migrations())
                                .put("runWaitMillis", f.runWaitMillis()).put("involuntary", f.involuntary())
                                .put("segmentsPerEvent", f.segmentsPerEvent()).put("acksPerEvent", f.acksPerEvent())
                                .put("compileMillis", f.compileMillis()).put("gcs", f.gcs());
                    }
                }
                var cdf = o.putArray("latencyCdf");
                for (double[] pt : r.latencyCdf()) cdf.addArray().add(pt[0]).add(pt[1]);
            } else {
                o.put("stopped", r.stopped());
            }
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
