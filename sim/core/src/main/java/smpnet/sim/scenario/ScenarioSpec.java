package smpnet.sim.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import smpnet.stack.dev.ImpairedLink.Impairments;
import smpnet.stack.locks.LockMode;
import smpnet.stack.netisr.DispatchPolicy;
import smpnet.stack.netisr.PlacementPolicy;

/**
 * A scenario as its file describes it (see {@link ScenarioParser} for the format): hosts, the links between
 * their NICs, the workloads, how the run is scheduled, and the variants to compare.
 *
 * @param name        the scenario's name (the file's {@code name}, else the file name)
 * @param description one line on what it shows
 * @param run         deterministic or free-running, and the seed
 * @param hosts       the hosts, in file order
 * @param links       cables between two NICs, with or without impairments
 * @param workloads   what the applications do
 * @param compare     variants to run one after another (no variant: one run as written)
 */
public record ScenarioSpec(String name, String description, RunSpec run, List<HostSpec> hosts, List<LinkSpec> links,
                           List<Workload> workloads, Compare compare) {

    public ScenarioSpec {
        hosts = List.copyOf(hosts);
        links = List.copyOf(links);
        workloads = List.copyOf(workloads);
    }

    /** This scenario with another seed. */
    public ScenarioSpec withSeed(long seed) {
        return new ScenarioSpec(name, description, new RunSpec(run.deterministic(), seed, run.preemptOneIn()), hosts, links,
                workloads, compare);
    }

    /** The host called {@code name}, or null. */
    public HostSpec host(String name) {
        for (HostSpec h : hosts) if (h.name().equals(name)) return h;
        return null;
    }

    /**
     * How the run is scheduled.
     *
     * @param deterministic one thread at a time on virtual time, chosen from the seed; else free-running threads
     * @param seed          the run's seed (links draw their fates from it in both schedules)
     * @param preemptOneIn  deterministic runs: preempt at one scheduling point in N
     */
    public record RunSpec(boolean deterministic, long seed, int preemptOneIn) {}

    /**
     * One host.
     *
     * @param cpus     the host's CPUs (its allocator's per-CPU caches; the NIC threads' and, by default, the
     *                 netisr workers' and the NIC queues' count)
     * @param workers  netisr workers, 0 for as many as {@code cpus}
     * @param sysctl   settings by their sysctl names, set before the host starts
     */
    public record HostSpec(String name, LockMode mode, int cpus, int workers, DispatchPolicy dispatch,
                           PlacementPolicy placement, int netisrQueue, boolean forwarding, List<NicSpec> nics,
                           List<RouteSpec> routes, Map<String, Long> sysctl) {
        public HostSpec {
            nics = List.copyOf(nics);
            routes = List.copyOf(routes);
            sysctl = Map.copyOf(sysctl);
        }

        /** This host with another locking mode and CPU count (a compared variant). */
        public HostSpec with(LockMode m, int c) {
            return new HostSpec(name, m, c, workers, dispatch, placement, netisrQueue, forwarding, nics, routes, sysctl);
        }

        public NicSpec nic(String nicName) {
            for (NicSpec n : nics) if (n.name().equals(nicName)) return n;
            return null;
        }
    }

    /**
     * A NIC: its name, address ("10.0.0.1/24"), RX/TX queues (0: as many as the host's CPUs), ring size, MTU;
     * {@code lro}: large receive offload on ({@code NicConfig.withLro}); {@code tso}: TCP segmentation offload
     * offered ({@code NicConfig.withTso}, used while net.inet.tcp.tso is 1).
     */
    public record NicSpec(String name, String address, int queues, int ring, int mtu, boolean lro, boolean tso) {}

    /** A route: destination prefix ("0.0.0.0/0" for the default) via a gateway on an attached network. */
    public record RouteSpec(String to, String via) {}

    /** A NIC of a host, written {@code host.nic}. */
    public record Endpoint(String host, String nic) {
        @Override public String toString() { return host + "." + nic; }
    }

    /** A cable between two NICs: a plain wire when {@code impairments} is null, else an impaired link. */
    public record LinkSpec(Endpoint a, Endpoint b, Impairments impairments) {}

    /**
     * The variants compared: every combination of {@code modes} and {@code cpus}, applied to {@code hosts}.
     * An empty list keeps the hosts' own value.
     */
    public record Compare(List<String> hosts, List<LockMode> modes, List<Integer> cpus) {
        public static final Compare NONE = new Compare(List.of(), List.of(), List.of());

        public Compare {
            hosts = List.copyOf(hosts);
            modes = List.copyOf(modes);
            cpus = List.copyOf(cpus);
        }

        public boolean isEmpty() { return hosts.isEmpty(); }
    }

    /** What an application does; its {@code label} names it in the report. */
    public sealed interface Workload {
        String label();
    }

    /**
     * UDP datagrams of {@code payload} bytes from {@code flows} sockets of {@code host} to {@code to}:
     * {@code count} from each socket, or as many as fit in {@code seconds} (free-running runs only), starting
     * {@code delay} after the workloads start.
     */
    public record UdpBlast(String host, String toAddress, int toPort, int flows, int payload, long count,
                           Duration seconds, Duration delay) implements Workload {
        @Override public String label() { return "udp-blast " + host + " -> " + toAddress + ":" + toPort; }
    }

    /** A UDP socket of {@code host} bound to {@code port} that counts what arrives until the senders are done. */
    public record UdpSink(String host, int port, Duration idle) implements Workload {
        @Override public String label() { return "udp-sink " + host + ":" + port; }
    }

    /**
     * An echo server on {@code server}:{@code port} and a client on {@code client} that sends {@code count}
     * requests one at a time, each retried after {@code timeout} up to {@code retries} times, the first
     * {@code delay} after the workloads start.
     */
    public record UdpEcho(String server, String serverAddress, int port, String client, int count, int payload,
                          Duration timeout, int retries, Duration delay) implements Workload {
        @Override public String label() { return "udp-echo " + client + " -> " + server + ":" + port; }
    }

    /**
     * A TCP workload: {@code tcp-bulk} (one connection sending {@code bytes}), {@code tcp-rr} (request and
     * response of {@code payload} bytes, {@code count} times per connection) or {@code tcp-connections}
     * ({@code connections} concurrent connections doing request/response).
     */
    public record TcpWorkload(String kind, String server, String serverAddress, int port, String client,
                              int connections, int count, int payload, long bytes) implements Workload {
        @Override public String label() { return kind + " " + client + " -> " + server + ":" + port; }
    }

    /**
     * The example HTTP/1.1 server ({@code smpnet.sim.apps.HttpServer}) on {@code server}:{@code port}, serving a
     * page of {@code pageBytes} at {@code /page}, and a client on {@code client} that fetches it {@code requests}
     * times over each of {@code connections} persistent connections, checking every byte.
     */
    public record Http(String server, String serverAddress, int port, String client, int connections, int requests,
                       int pageBytes) implements Workload {
        @Override public String label() { return "http " + client + " -> " + server + ":" + port; }
    }
}
