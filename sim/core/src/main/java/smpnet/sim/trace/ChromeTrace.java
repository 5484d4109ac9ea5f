package smpnet.sim.trace;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import smpnet.locking.GuardedBy;
import smpnet.locking.LockProfiler;
import smpnet.locking.Scheduler;
import smpnet.stack.internal.trace.PacketProbe;

/**
 * A bounded trace of one run in the Chrome trace-event JSON format, which Perfetto's UI, chrome://tracing
 * and speedscope open. One track per thread (ithreads, netisr workers, link threads, application threads),
 * named after the thread; on it, a slice per lock hold named after the lock class (from the lock profiler
 * in its every-acquisition-by-class mode) preceded by a "wait" slice when the acquisition had to wait; a
 * short slice per packet hop (NIC ring, driver input, netisr queue, protocol input, socket buffer, receive)
 * from the stack's packet probe, the hops of one packet linked by a flow so it can be followed from thread
 * to thread; and counters sampled by {@link #counter}. Times are the scheduler's: virtual in a deterministic
 * run.
 *
 * <p>Each recording ({@link #start}) is a process of its own in the file, named after the run it records
 * (a variant of a scenario), with its own clock origin, so runs can be set side by side. At most
 * {@code limit} events are kept per recording; later ones are counted as dropped (the file says how many).
 * While it records, the trace owns the JVM's lock-profiler mode and listener and the packet probe.
 *
 * <p>Locking key: every field but the constants is guarded by this object's monitor, which the hooks take
 * for a few instructions on whatever thread they run (never while waiting for anything).
 */
public final class ChromeTrace implements PacketProbe.Sink, LockProfiler.HoldListener {
    /** The default bound per recorded run: about 20 MB of JSON. */
    public static final int DEFAULT_LIMIT = 100_000;

    private final int limit;
    @GuardedBy("this") private final List<String> events = new ArrayList<>();
    @GuardedBy("this") private final Map<Thread, Integer> tids = new LinkedHashMap<>();
    @GuardedBy("this") private final Map<Thread, Integer> pids = new LinkedHashMap<>();
    @GuardedBy("this") private final List<String> processes = new ArrayList<>();
    /** The recording under way (its process id, from 1), and its events so far. */
    @GuardedBy("this") private int pid;
    @GuardedBy("this") private int inProcess;
    @GuardedBy("this") private final Map<Thread, String> names = new LinkedHashMap<>();
    @GuardedBy("this") private final Map<Object, Long> packets = new IdentityHashMap<>();
    @GuardedBy("this") private final List<Thread> ignored = new ArrayList<>();
    /** Names of the objects hops happen at (a NIC as "host.nic"), and of the NIC at each one's other end. */
    @GuardedBy("this") private final Map<Object, String> places = new IdentityHashMap<>();
    @GuardedBy("this") private final Map<Object, String> peers = new IdentityHashMap<>();
    @GuardedBy("this") private long nextPacket = 1;
    @GuardedBy("this") private long dropped;
    @GuardedBy("this") private long origin;
    @GuardedBy("this") private boolean recording;
    @GuardedBy("this") private LockProfiler.Mode modeBefore;
    /** The recorded run's clock (the lock profiler reads the same one: the scheduler in force). */
    @GuardedBy("this") private Scheduler clock = Scheduler.current();

    public ChromeTrace(int limit) {
        if (limit < 1) throw new IllegalArgumentException("trace limit " + limit);
        this.limit = limit;
    }

    /**
     * Starts recording a run called {@code name} whose scheduler is {@code clock}: installs the lock listener
     * (every acquisition, by class) and the packet probe; its times count from now.
     */
    public synchronized void start(String name, Scheduler clock) {
        if (recording) throw new IllegalStateException("already recording " + processes.getLast());
        processes.add(name);
        pid = processes.size();
        inProcess = 0;
        this.clock = clock;
        origin = clock.nanoTime();
        recording = true;
        modeBefore = LockProfiler.mode();
        LockProfiler.setMode(LockProfiler.Mode.CLASSES);
        LockProfiler.setListener(this);
        PacketProbe.install(this);
    }

    /** Stops recording and gives the lock profiler and the probe back as they were. */
    public synchronized void stop() {
        if (!recording) return;
        PacketProbe.install(null);
        LockProfiler.setListener(null);
        LockProfiler.setMode(modeBefore);
        recording = false;
    }

    /** Leaves the calling thread's lock holds out of the trace (a sampler's own reads). */
    public synchronized void ignoreCurrentThread() { ignored.add(Thread.currentThread()); }

    /**
     * Names {@code nic} ("b.em0") and the NIC at its cable's other end ("a.em0", or null), so that hops at it
     * say which host's NIC, and the threads that run them are named after it: a NIC's ithreads after the
     * NIC, the threads that fill its ring (its peer's transmit threads, a link's timer) after the peer.
     */
    public synchronized void nic(Object nic, String name, String peer) {
        places.put(nic, name);
        if (peer != null) peers.put(nic, peer);
    }

    /** Events kept so far. */
    public synchronized int size() { return events.size(); }

    /** Events refused because the trace was full. */
    public synchronized long dropped() { return dropped; }

    @GuardedBy("this")
    private long now() { return clock.nanoTime(); }

    // ---- the hooks ---------------------------------------------------------------------------------------

    @Override
    public synchronized void held(String lockClass, boolean write, long waitStart, long obtained, long released) {
        Thread t = Thread.currentThread();
        if (!recording || ignored.contains(t)) return;
        int tid = tid(t);
        String name = write ? lockClass : lockClass + " (shared)";
        if (waitStart < obtained) {
            add("{\"name\":\"wait " + json(name) + "\",\"cat\":\"lock wait\",\"ph\":\"X\"" + at(waitStart, tid)
                    + ",\"dur\":" + micros(obtained - waitStart) + ",\"args\":{\"lock\":\"" + json(lockClass) + "\"}}");
        }
        add("{\"name\":\"" + json(name) + "\",\"cat\":\"lock\",\"ph\":\"X\"" + at(obtained, tid) + ",\"dur\":"
                + micros(released - obtained) + ",\"args\":{\"lock\":\"" + json(lockClass) + "\",\"waited_us\":"
                + micros(obtained - waitStart) + "}}");
    }

    @Override
    public synchronized void hop(PacketProbe.Hop hop, Object packet, Object where) {
        if (!recording) return;
        long t = now();
        Thread thread = Thread.currentThread();
        int tid = tid(thread);
        String place = places.getOrDefault(where, String.valueOf(where));
        String owner = hop == PacketProbe.Hop.NIC_RING ? peers.get(where) : hop == PacketProbe.Hop.DRIVER_INPUT ? places.get(where) : null;
        if (owner != null && names.get(thread).equals(thread.getName())) names.put(thread, owner + " " + thread.getName());
        Long id = hop == PacketProbe.Hop.NIC_RING ? null : packets.get(packet);
        String phase = "t";
        if (id == null) {
            id = nextPacket++;
            packets.put(packet, id);
            phase = "s";
        } else if (hop == PacketProbe.Hop.RECEIVE) {
            packets.remove(packet);
            phase = "f";
        }
        add("{\"name\":\"" + hop.label() + "\",\"cat\":\"packet\",\"ph\":\"X\"" + at(t, tid) + ",\"dur\":0,\"args\":{\"packet\":"
                + id + ",\"at\":\"" + json(place) + "\"}}");
        add("{\"name\":\"packet\",\"cat\":\"packet\",\"ph\":\"" + phase + "\",\"id\":" + id + at(t, tid)
                + (phase.equals("s") ? "" : ",\"bp\":\"e\"") + "}");
    }

    /** A counter track {@code name} with one series per key (e.g. per host), at the present time. */
    public synchronized void counter(String name, Map<String, Long> values) {
        if (!recording) return;
        StringBuilder args = new StringBuilder();
        for (Map.Entry<String, Long> e : values.entrySet()) {
            args.append(args.isEmpty() ? "" : ",").append('"').append(json(e.getKey())).append("\":").append(e.getValue());
        }
        add("{\"name\":\"" + json(name) + "\",\"cat\":\"counter\",\"ph\":\"C\",\"pid\":" + pid + ",\"ts\":" + micros(now() - origin)
                + ",\"args\":{" + args + "}}");
    }

    @GuardedBy("this")
    private void add(String event) {
        if (inProcess < limit) {
            events.add(event);
            inProcess++;
        } else {
            dropped++;
        }
    }

    @GuardedBy("this")
    private int tid(Thread t) {
        Integer id = tids.get(t);
        if (id == null) {
            id = tids.size() + 1;
            tids.put(t, id);
            pids.put(t, pid);
            names.put(t, t.getName());
        }
        return id;
    }

    @GuardedBy("this")
    private String at(long nanos, int tid) {
        return ",\"pid\":" + pid + ",\"tid\":" + tid + ",\"ts\":" + micros(nanos - origin);
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1000.0);
    }

    // ---- the file ----------------------------------------------------------------------------------------

    /**
     * Writes the trace: the process and thread names first (threads sorted by their first event), then the
     * events, then what the trace is ({@code otherData}: its title, its bound per run and how many events it
     * dropped).
     */
    public synchronized void write(Path file, String title) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"traceEvents\":[\n");
            String sep = "";
            for (int p = 1; p <= processes.size(); p++) {
                w.write(sep + "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" + p + ",\"args\":{\"name\":\""
                        + json(processes.get(p - 1)) + "\"}}");
                w.write(",\n{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":" + p + ",\"args\":{\"sort_index\":" + p + "}}");
                sep = ",\n";
            }
            for (Map.Entry<Thread, Integer> e : tids.entrySet()) {
                int p = pids.get(e.getKey());
                w.write(sep + "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + p + ",\"tid\":" + e.getValue()
                        + ",\"args\":{\"name\":\"" + json(names.get(e.getKey())) + "\"}}");
                w.write(",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":" + p + ",\"tid\":" + e.getValue()
                        + ",\"args\":{\"sort_index\":" + e.getValue() + "}}");
                sep = ",\n";
            }
            for (String e : events) {
                w.write(sep + e);
                sep = ",\n";
            }
            w.write("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"title\":\"" + json(title) + "\",\"limitPerRun\":" + limit
                    + ",\"events\":" + events.size() + ",\"dropped\":" + dropped + "}}\n");
        }
    }

    /**
     * Joins trace files this class wrote (each of one recorded run, as a benchmark child writes it) into
     * {@code out}: each becomes a process of its own, in order. Returns the events kept in all.
     */
    public static long merge(List<Path> parts, Path out, String title) throws IOException {
        StringBuilder events = new StringBuilder();
        long kept = 0, dropped = 0;
        java.util.regex.Pattern tail = java.util.regex.Pattern.compile("\"events\":(\\d+),\"dropped\":(\\d+)");
        for (int i = 0; i < parts.size(); i++) {
            List<String> lines = Files.readAllLines(parts.get(i), StandardCharsets.UTF_8);
            if (lines.size() < 2 || !lines.getFirst().equals("{\"traceEvents\":[")) {
                throw new IOException(parts.get(i) + " is not a trace this program wrote");
            }
            java.util.regex.Matcher m = tail.matcher(lines.getLast());
            if (!m.find()) throw new IOException(parts.get(i) + " has no event count");
            kept += Long.parseLong(m.group(1));
            dropped += Long.parseLong(m.group(2));
            for (String line : lines.subList(1, lines.size() - 1)) {
                String e = line.endsWith(",") ? line.substring(0, line.length() - 1) : line;
                // A part's only process is 1: it becomes process i + 1 here.
                events.append(events.isEmpty() ? "" : ",\n").append(e.replace("\"pid\":1,", "\"pid\":" + (i + 1) + ","));
            }
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(out, "{\"traceEvents\":[\n" + events + "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"title\":\""
                + json(title) + "\",\"events\":" + kept + ",\"dropped\":" + dropped + "}}\n", StandardCharsets.UTF_8);
        return kept;
    }

    /** {@code s} as the inside of a JSON string. */
    static String json(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
