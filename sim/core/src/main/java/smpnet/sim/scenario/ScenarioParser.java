package smpnet.sim.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import smpnet.locking.DeterministicScheduler;
import smpnet.sim.scenario.ScenarioSpec.Compare;
import smpnet.sim.scenario.ScenarioSpec.Endpoint;
import smpnet.sim.scenario.ScenarioSpec.HostSpec;
import smpnet.sim.scenario.ScenarioSpec.Http;
import smpnet.sim.scenario.ScenarioSpec.LinkSpec;
import smpnet.sim.scenario.ScenarioSpec.NicSpec;
import smpnet.sim.scenario.ScenarioSpec.RouteSpec;
import smpnet.sim.scenario.ScenarioSpec.RunSpec;
import smpnet.sim.scenario.ScenarioSpec.TcpWorkload;
import smpnet.sim.scenario.ScenarioSpec.UdpBlast;
import smpnet.sim.scenario.ScenarioSpec.UdpEcho;
import smpnet.sim.scenario.ScenarioSpec.UdpSink;
import smpnet.sim.scenario.ScenarioSpec.Workload;
import smpnet.stack.Stack;
import smpnet.stack.StackConfig;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.locks.LockMode;
import smpnet.stack.net.IfAddress;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.NetisrConfig;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * Reads a scenario file (YAML, with snakeyaml-engine) into a {@link ScenarioSpec}, checking every field
 * against the schema: a field of the wrong shape, an unknown field, a missing one, a host or NIC that does not
 * exist, a sysctl the host does not have: each is a {@link ScenarioError} naming the line and the field. The
 * format, field by field (defaults in brackets):
 *
 * <pre>
 * name: NAME                      [the file's name]
 * description: TEXT
 * run: {schedule: deterministic|free [free], seed: N [1], preempt: N [8]}
 * hosts:
 *   - name: NAME
 *     locking: fine|giant|giant-over-fine [fine]
 *     cpus: N [1]
 *     netisr: {workers: N [cpus], dispatch: direct|deferred|hybrid [direct], placement: source|flow|cpu [source], queue: N [256]}
 *     forwarding: BOOL [false]
 *     nics: [{name: NAME, address: A.B.C.D/LEN, queues: N [cpus], ring: N [1024], mtu: N [1500], lro: BOOL [false]}]
 *     routes: [{to: A.B.C.D/LEN, via: A.B.C.D}]
 *     sysctl: {SYSCTL.NAME: VALUE, ...}
 * links:
 *   - between: [HOST.NIC, HOST.NIC]   (no other field: a plain wire)
 *     latency: DURATION, jitter: DURATION, bandwidth: RATE, queue: FRAMES, loss: P, reorder: P,
 *     reorder-delay: DURATION, duplicate: P, corrupt: P
 * workloads:
 *   - udp-sink: {host: HOST, port: N, idle: DURATION [200ms]}
 *   - udp-blast: {from: HOST, to: A.B.C.D:PORT, flows: N [1], payload: BYTES [64], count: N | seconds: DURATION,
 *                 delay: DURATION [0]}
 *   - udp-echo: {server: HOST, address: A.B.C.D [server's first NIC], port: N [7], client: HOST, count: N [100],
 *                payload: BYTES [32], timeout: DURATION [20ms], retries: N [10], delay: DURATION [0]}
 *   - tcp-bulk | tcp-rr | tcp-connections: {server, address, port, client, connections [1], count [100],
 *                payload [64], bytes [1000000]}
 *   - http: {server: HOST, address: A.B.C.D [server's first NIC], port: N [80], client: HOST, connections: N [1],
 *            requests: N [10], page: BYTES [100000]}   (free-running runs only: the server has threads of its own)
 * compare: {hosts: [HOST, ...], locking: [MODE, ...], cpus: [N, ...]}
 * </pre>
 */
public final class ScenarioParser {
    static final List<String> MODES = List.of("fine", "giant", "giant-over-fine");
    static final int MAX_CPUS = 64;

    private final String file;

    private ScenarioParser(String file) { this.file = file; }

    /** Reads the scenario file at {@code path}. */
    public static ScenarioSpec read(Path path) throws ScenarioError {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioError(path.toString(), 0, "", "cannot read the file: " + e.getMessage());
        }
        String base = path.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(text, path.toString(), base);
    }

    /** Reads scenario {@code text}; {@code file} names it in errors, {@code defaultName} is its name if it gives none. */
    public static ScenarioSpec parse(String text, String file, String defaultName) throws ScenarioError {
        return new ScenarioParser(file).document(text, defaultName);
    }

    private ScenarioSpec document(String text, String defaultName) throws ScenarioError {
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file).build()).composeString(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new ScenarioError(file, line, "", "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ScenarioError(file, 0, "", "not valid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) throw new ScenarioError(file, 0, "", "empty file (expected a scenario: hosts, links, workloads)");
        YamlField.Mapping doc = new YamlField(file, "", root.get())
                .mapping(Set.of("name", "description", "run", "hosts", "links", "workloads", "compare"));
        String name = doc.has("name") ? doc.require("name").name() : defaultName;
        String description = doc.has("description") ? doc.require("description").text("a line of text") : "";
        RunSpec run = run(doc.get("run"));
        List<HostSpec> hosts = new ArrayList<>();
        Map<String, YamlField> hostFields = new HashMap<>();
        for (YamlField h : doc.require("hosts").list("hosts")) {
            HostSpec host = host(h);
            if (hostFields.containsKey(host.name())) {
                throw h.error("host '" + host.name() + "' is defined twice (first at line " + hostFields.get(host.name()).line() + ")");
            }
            hostFields.put(host.name(), h);
            hosts.add(host);
        }
        List<LinkSpec> links = new ArrayList<>();
        if (doc.has("links")) {
            Set<Endpoint> cabled = new HashSet<>();
            for (YamlField l : doc.require("links").list("links")) links.add(link(l, hosts, cabled));
        }
        List<Workload> workloads = new ArrayList<>();
        for (YamlField w : doc.require("workloads").list("workloads")) workloads.add(workload(w, hosts, run));
        Compare compare = doc.has("compare") ? compare(doc.require("compare"), hosts) : Compare.NONE;
        return new ScenarioSpec(name, description, run, hosts, links, workloads, compare);
    }

    // ---- run ---------------------------------------------------------------------------------------------

    private static RunSpec run(YamlField f) throws ScenarioError {
        if (f == null) return new RunSpec(false, 1, DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN);
        YamlField.Mapping m = f.mapping(Set.of("schedule", "seed", "preempt"));
        boolean deterministic = m.has("schedule") && m.require("schedule").choice(List.of("deterministic", "free")).equals("deterministic");
        long seed = m.has("seed") ? m.require("seed").integer(Long.MIN_VALUE, Long.MAX_VALUE) : 1;
        int preempt = m.has("preempt") ? m.require("preempt").integer(1, 1 << 20) : DeterministicScheduler.Options.DEFAULT_PREEMPT_ONE_IN;
        return new RunSpec(deterministic, seed, preempt);
    }

    // ---- hosts -------------------------------------------------------------------------------------------

    private static HostSpec host(YamlField f) throws ScenarioError {
        YamlField.Mapping m = f.mapping(Set.of("name", "locking", "cpus", "netisr", "forwarding", "nics", "routes", "sysctl"));
        String name = m.require("name").name();
        LockMode mode = m.has("locking") ? mode(m.require("locking")) : LockMode.FINE;
        int cpus = m.has("cpus") ? m.require("cpus").integer(1, MAX_CPUS) : 1;
        int workers = 0;
        DispatchPolicy dispatch = DispatchPolicy.DIRECT;
        PlacementPolicy placement = PlacementPolicy.SOURCE;
        int queue = NetisrConfig.DEFAULT_QUEUE_LIMIT;
        if (m.has("netisr")) {
            YamlField.Mapping n = m.require("netisr").mapping(Set.of("workers", "dispatch", "placement", "queue"));
            if (n.has("workers")) workers = n.require("workers").integer(1, MAX_CPUS);
            if (n.has("dispatch")) dispatch = DispatchPolicy.valueOf(upper(n.require("dispatch").choice(List.of("direct", "deferred", "hybrid"))));
            if (n.has("placement")) placement = PlacementPolicy.valueOf(upper(n.require("placement").choice(List.of("source", "flow", "cpu"))));
            if (n.has("queue")) queue = n.require("queue").integer(1, 1 << 20);
        }
        boolean forwarding = m.has("forwarding") && m.require("forwarding").bool();
        List<NicSpec> nics = new ArrayList<>();
        Set<String> nicNames = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        if (m.has("nics")) {
            for (YamlField n : m.require("nics").list("NICs")) {
                NicSpec nic = nic(n);
                if (!nicNames.add(nic.name())) throw n.error("host '" + name + "' has two NICs named '" + nic.name() + "'");
                if (!addresses.add(nic.address())) throw n.error("address " + nic.address() + " is on two NICs of '" + name + "'");
                nics.add(nic);
            }
        }
        List<RouteSpec> routes = new ArrayList<>();
        if (m.has("routes")) {
            for (YamlField r : m.require("routes").list("routes")) routes.add(route(r, nics));
        }
        Map<String, Long> sysctl = new LinkedHashMap<>();
        if (m.has("sysctl")) sysctl = sysctls(m.require("sysctl"));
        return new HostSpec(name, mode, cpus, workers, dispatch, placement, queue, forwarding, nics, routes, sysctl);
    }

    static LockMode mode(YamlField f) throws ScenarioError {
        return LockMode.valueOf(upper(f.choice(MODES)));
    }

    private static NicSpec nic(YamlField f) throws ScenarioError {
        YamlField.Mapping m = f.mapping(Set.of("name", "address", "queues", "ring", "mtu", "lro", "tso"));
        String name = m.require("name").name();
        String address = cidr(m.require("address"));
        int queues = m.has("queues") ? m.require("queues").integer(1, MAX_CPUS) : 0;
        int ring = m.has("ring") ? m.require("ring").integer(1, 1 << 20) : smpnet.stack.dev.NicConfig.DEFAULT_RING_SIZE;
        int mtu = m.has("mtu") ? m.require("mtu").integer(576, 9000) : 1500;
        boolean lro = m.has("lro") && m.require("lro").bool();
        boolean tso = m.has("tso") && m.require("tso").bool();
        return new NicSpec(name, address, queues, ring, mtu, lro, tso);
    }

    private static String cidr(YamlField f) throws ScenarioError {
        String t = f.text("an IPv4 address with its prefix length, e.g. 10.0.0.1/24");
        try {
            IfAddress.parse(t);
            return t;
        } catch (IllegalArgumentException e) {
            throw f.expected("an IPv4 address with its prefix length, e.g. 10.0.0.1/24");
        }
    }

    private static String address(YamlField f) throws ScenarioError {
        String t = f.text("an IPv4 address, e.g. 10.0.0.2");
        if (!isAddress(t)) throw f.expected("an IPv4 address, e.g. 10.0.0.2");
        return t;
    }

    static boolean isAddress(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) return false;
        }
        return true;
    }

    private static RouteSpec route(YamlField f, List<NicSpec> nics) throws ScenarioError {
        YamlField.Mapping m = f.mapping(Set.of("to", "via"));
        String to = cidr(m.require("to"));
        YamlField viaField = m.require("via");
        String via = address(viaField);
        int gw = IfAddress.parseIpv4(via);
        boolean onLink = false;
        for (NicSpec n : nics) {
            IfAddress a = IfAddress.parse(n.address());
            if ((a.address() & a.netmask()) == (gw & a.netmask())) onLink = true;
        }
        if (!onLink) throw viaField.error("gateway " + via + " is on none of the host's networks");
        return new RouteSpec(to, via);
    }

    /** Settings by sysctl name, each tried on a scratch host: an unknown, read-only or out-of-range one fails here. */
    private static Map<String, Long> sysctls(YamlField f) throws ScenarioError {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Stack scratch = Stack.create(StackConfig.defaults("scratch"))) {
            for (Map.Entry<String, YamlField> e : f.anyMapping("a mapping of sysctl names to values").entrySet()) {
                long v = e.getValue().integer(Long.MIN_VALUE, Long.MAX_VALUE);
                try {
                    scratch.sysctl(e.getKey(), v);
                } catch (IllegalArgumentException bad) {
                    throw e.getValue().error(bad.getMessage() + " (./smpnet sysctl lists the settings)");
                }
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    // ---- links -------------------------------------------------------------------------------------------

    private static LinkSpec link(YamlField f, List<HostSpec> hosts, Set<Endpoint> cabled) throws ScenarioError {
        YamlField.Mapping m = f.mapping(Set.of("between", "latency", "jitter", "bandwidth", "queue", "loss", "reorder",
                "reorder-delay", "duplicate", "corrupt"));
        YamlField between = m.require("between");
        List<YamlField> ends = between.list("two NICs, as HOST.NIC");
        if (ends.size() != 2) throw between.expected("two NICs, as [HOST.NIC, HOST.NIC]");
        Endpoint a = endpoint(ends.get(0), hosts, cabled);
        Endpoint b = endpoint(ends.get(1), hosts, cabled);
        if (m.fields().size() == 1) return new LinkSpec(a, b, null);
        Impairments i = Impairments.NONE;
        Duration latency = m.has("latency") ? m.require("latency").duration() : Duration.ZERO;
        Duration jitter = m.has("jitter") ? m.require("jitter").duration() : Duration.ZERO;
        i = i.withLatency(latency, jitter);
        if (m.has("bandwidth")) {
            int queue = m.has("queue") ? m.require("queue").integer(0, 1 << 20) : 64;
            i = i.withBandwidth(m.require("bandwidth").bitsPerSecond(), queue);
        } else if (m.has("queue")) {
            throw m.require("queue").error("a queue needs a bandwidth (frames wait for the line)");
        }
        if (m.has("loss")) i = i.withLoss(m.require("loss").probability());
        if (m.has("reorder")) {
            Duration delay = m.has("reorder-delay") ? m.require("reorder-delay").duration() : Duration.ofMillis(1);
            i = i.withReorder(m.require("reorder").probability(), delay);
        } else if (m.has("reorder-delay")) {
            throw m.require("reorder-delay").error("a reorder delay needs a reorder probability");
        }
        if (m.has("duplicate")) i = i.withDuplicate(m.require("duplicate").probability());
        if (m.has("corrupt")) i = i.withCorrupt(m.require("corrupt").probability());
        return new LinkSpec(a, b, i);
    }

    private static Endpoint endpoint(YamlField f, List<HostSpec> hosts, Set<Endpoint> cabled) throws ScenarioError {
        String t = f.text("a NIC, as HOST.NIC");
        int dot = t.lastIndexOf('.');
        if (dot <= 0 || dot == t.length() - 1) throw f.expected("a NIC, as HOST.NIC (e.g. a.em0)");
        String host = t.substring(0, dot);
        String nic = t.substring(dot + 1);
        HostSpec h = hosts.stream().filter(x -> x.name().equals(host)).findFirst().orElse(null);
        if (h == null) throw f.error("no host named '" + host + "' (hosts: " + names(hosts) + ")");
        if (h.nic(nic) == null) {
            throw f.error("host '" + host + "' has no NIC named '" + nic + "' (its NICs: "
                    + String.join(", ", h.nics().stream().map(NicSpec::name).toList()) + ")");
        }
        Endpoint e = new Endpoint(host, nic);
        if (!cabled.add(e)) throw f.error(e + " is already on a link (a NIC takes one cable)");
        return e;
    }

    // ---- workloads ---------------------------------------------------------------------------------------

    static final List<String> KINDS = List.of("udp-sink", "udp-blast", "udp-echo", "tcp-bulk", "tcp-rr", "tcp-connections",
            "http");

    private static Workload workload(YamlField f, List<HostSpec> hosts, RunSpec run) throws ScenarioError {
        YamlField.Mapping outer = f.mapping(Set.copyOf(KINDS));
        if (outer.fields().size() != 1) throw f.expected("one workload: " + String.join(", ", KINDS));
        Map.Entry<String, YamlField> e = outer.fields().entrySet().iterator().next();
        YamlField w = e.getValue();
        return switch (e.getKey()) {
            case "udp-sink" -> {
                YamlField.Mapping m = w.mapping(Set.of("host", "port", "idle"));
                yield new UdpSink(host(m.require("host"), hosts), m.require("port").integer(1, 65535),
                        m.has("idle") ? positive(m.require("idle")) : Duration.ofMillis(200));
            }
            case "udp-blast" -> {
                YamlField.Mapping m = w.mapping(Set.of("from", "to", "flows", "payload", "count", "seconds", "delay"));
                String from = host(m.require("from"), hosts);
                YamlField to = m.require("to");
                String t = to.text("an address and port, e.g. 10.0.0.2:5000");
                int colon = t.lastIndexOf(':');
                if (colon < 0 || !isAddress(t.substring(0, colon)) || !t.substring(colon + 1).matches("[0-9]{1,5}")
                        || Integer.parseInt(t.substring(colon + 1)) < 1 || Integer.parseInt(t.substring(colon + 1)) > 65535) {
                    throw to.expected("an address and port, e.g. 10.0.0.2:5000");
                }
                int flows = m.has("flows") ? m.require("flows").integer(1, 1024) : 1;
                int payload = m.has("payload") ? m.require("payload").integer(0, 65507) : 64;
                if (m.has("count") == m.has("seconds")) throw w.error("give either count or seconds (how long the blast goes on)");
                long count = m.has("count") ? m.require("count").integer(1L, 1_000_000_000L) : 0;
                Duration seconds = null;
                if (m.has("seconds")) {
                    seconds = positive(m.require("seconds"));
                    if (run.deterministic()) {
                        throw m.require("seconds").error("a deterministic run is bounded by counts: give count instead");
                    }
                }
                yield new UdpBlast(from, t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)), flows, payload, count, seconds,
                        delay(m));
            }
            case "udp-echo" -> {
                YamlField.Mapping m = w.mapping(Set.of("server", "address", "port", "client", "count", "payload", "timeout", "retries",
                        "delay"));
                String server = host(m.require("server"), hosts);
                yield new UdpEcho(server, serverAddress(m, server, hosts), m.has("port") ? m.require("port").integer(1, 65535) : 7,
                        host(m.require("client"), hosts), m.has("count") ? m.require("count").integer(1, 10_000_000) : 100,
                        m.has("payload") ? m.require("payload").integer(4, 65507) : 32,
                        m.has("timeout") ? positive(m.require("timeout")) : Duration.ofMillis(20),
                        m.has("retries") ? m.require("retries").integer(0, 1000) : 10, delay(m));
            }
            case "http" -> {
                YamlField.Mapping m = w.mapping(Set.of("server", "address", "port", "client", "connections", "requests", "page"));
                if (run.deterministic()) {
                    throw f.error("http runs in free-running runs only (run: {schedule: free}): the example server "
                            + "starts threads of its own, which a deterministic schedule does not run");
                }
                String server = host(m.require("server"), hosts);
                yield new Http(server, serverAddress(m, server, hosts), m.has("port") ? m.require("port").integer(1, 65535) : 80,
                        host(m.require("client"), hosts), m.has("connections") ? m.require("connections").integer(1, 1000) : 1,
                        m.has("requests") ? m.require("requests").integer(1, 10_000_000) : 10,
                        m.has("page") ? m.require("page").integer(0, 1 << 30) : 100_000);
            }
            default -> {
                YamlField.Mapping m = w.mapping(Set.of("server", "address", "port", "client", "connections", "count", "payload", "bytes"));
                String server = host(m.require("server"), hosts);
                yield new TcpWorkload(e.getKey(), server, serverAddress(m, server, hosts),
                        m.has("port") ? m.require("port").integer(1, 65535) : 5001, host(m.require("client"), hosts),
                        m.has("connections") ? m.require("connections").integer(1, 1_000_000) : 1,
                        m.has("count") ? m.require("count").integer(1, 100_000_000) : 100,
                        m.has("payload") ? m.require("payload").integer(1, 1 << 20) : 64,
                        m.has("bytes") ? m.require("bytes").integer(1L, 1L << 40) : 1_000_000);
            }
        };
    }

    private static String serverAddress(YamlField.Mapping m, String server, List<HostSpec> hosts) throws ScenarioError {
        if (m.has("address")) return address(m.require("address"));
        HostSpec h = hosts.stream().filter(x -> x.name().equals(server)).findFirst().orElseThrow();
        if (h.nics().isEmpty()) throw m.require("server").error("host '" + server + "' has no NIC: give the address to reach it");
        return h.nics().getFirst().address().split("/")[0];
    }

    private static Duration delay(YamlField.Mapping m) throws ScenarioError {
        return m.has("delay") ? m.require("delay").duration() : Duration.ZERO;
    }

    private static Duration positive(YamlField f) throws ScenarioError {
        Duration d = f.duration();
        if (d.isZero()) throw f.expected("a duration above 0");
        return d;
    }

    private static String host(YamlField f, List<HostSpec> hosts) throws ScenarioError {
        String name = f.name();
        if (hosts.stream().noneMatch(h -> h.name().equals(name))) {
            throw f.error("no host named '" + name + "' (hosts: " + names(hosts) + ")");
        }
        return name;
    }

    private static String names(List<HostSpec> hosts) {
        return String.join(", ", hosts.stream().map(HostSpec::name).toList());
    }

    // ---- compare -----------------------------------------------------------------------------------------

    private static Compare compare(YamlField f, List<HostSpec> hosts) throws ScenarioError {
        YamlField.Mapping m = f.mapping(Set.of("hosts", "locking", "cpus"));
        List<String> names = new ArrayList<>();
        for (YamlField h : m.require("hosts").list("host names")) names.add(host(h, hosts));
        List<LockMode> modes = new ArrayList<>();
        if (m.has("locking")) for (YamlField x : m.require("locking").list("locking modes")) modes.add(mode(x));
        List<Integer> cpus = new ArrayList<>();
        if (m.has("cpus")) for (YamlField x : m.require("cpus").list("CPU counts")) cpus.add(x.integer(1, MAX_CPUS));
        if (modes.isEmpty() && cpus.isEmpty()) throw f.error("nothing to compare: give locking and/or cpus");
        return new Compare(names, modes, cpus);
    }

    private static String upper(String choice) { return choice.toUpperCase(Locale.ROOT).replace('-', '_'); }
}
