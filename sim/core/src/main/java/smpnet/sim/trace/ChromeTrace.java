package smpnet.sim.trace;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
        // No args: speedscope names a slice by its name and args, and a hold is a hold of its class.
        if (waitStart < obtained) {
            add("{\"name\":\"wait " + json(name) + "\",\"cat\":\"lock wait\",\"ph\":\"X\"" + at(waitStart, tid)
                    + ",\"dur\":" + length(waitStart, obtained) + "}");
        }
        add("{\"name\":\"" + json(name) + "\",\"cat\":\"lock\",\"ph\":\"X\"" + at(obtained, tid) + ",\"dur\":"
                + length(obtained, released) + "}");
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
        add("{\"name\":\"" + hop.label() + "\",\"cat\":\"packet\",\"ph\":\"X\"" + at(t, tid) + ",\"dur\":0,\"args\":{\"at\":\""
                + json(place) + "\"}}");
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
        add("{\"name\":\"" + json(name) + "\",\"cat\":\"counter\",\"ph\":\"C\",\"pid\":" + pid + ",\"ts\":" + time(units(now() - origin))
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
        return ",\"pid\":" + pid + ",\"tid\":" + tid + ",\"ts\":" + time(units(nanos - origin));
    }

    /**
     * The length from {@code from} to {@code to} (scheduler nanoseconds), as the difference of the two times
     * as written: a slice then ends exactly where the next one written from the same instant starts.
     */
    @GuardedBy("this")
    private String length(long from, long to) {
        return time(units(to - origin) - units(from - origin));
    }

    /**
     * Nanoseconds in the trace's time unit, 1/1024 µs: a binary fraction of the microsecond the format
     * counts in, so that times and lengths are exact doubles and a viewer that adds a slice's length to
     * its start (speedscope does) lands exactly on the next slice's start, not a rounding error away from
     * it, which would make it close the slices in the wrong order.
     */
    static long units(long nanos) {
        return Math.floorDiv(nanos * 128 + 62, 125); // nanos * 1024 / 1000, rounded
    }

    /** {@code units} 1/1024 µs written as microseconds, exactly (at most ten decimals). */
    static String time(long units) {
        if (units < 0) return "-" + time(-units); // a hold that began before the recording did
        long whole = units / 1024, frac = units % 1024;
        if (frac == 0) return Long.toString(whole);
        String digits = String.format(Locale.ROOT, "%010d", frac * 9_765_625L); // 1/1024 = 0.0009765625
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') end--;
        return whole + "." + digits.substring(0, end);
    }

    /** A time written by {@link #time}, back in units. */
    static long units(String micros) {
        return Math.round(Double.parseDouble(micros) * 1024);
    }

    // ---- the file ----------------------------------------------------------------------------------------

    /**
     * The order of tracks: the NICs' ithreads, the netisr workers, the threads that fill NIC rings, the
     * applications, then the scaffolding (the scenario's main and shutdown threads, loopback ithreads). A
     * viewer that shows one thread at a time (speedscope) opens on the first: where a packet enters a host.
     */
    static int rank(String thread) {
        if (thread.equals("main") || thread.equals("shutdown") || thread.startsWith("lo0-")) return 4;
        if (thread.matches(".+ \\S+-rx\\d+")) return 0;
        if (thread.contains("-netisr")) return 1;
        if (thread.matches(".*-tx\\d+") || thread.endsWith("callout")) return 2;
        return 3;
    }

    /**
     * Writes the trace: the process and thread names first (threads in {@link #rank} order, the busiest first
     * within a rank, renumbered so), then the
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
            java.util.regex.Pattern tidField = java.util.regex.Pattern.compile("\"tid\":(\\d+),");
            Map<Integer, Integer> busy = new HashMap<>();
            for (String e : events) {
                java.util.regex.Matcher m = tidField.matcher(e);
                if (m.find()) busy.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
            }
            List<Thread> order = new ArrayList<>(tids.keySet());
            order.sort(java.util.Comparator.comparingInt((Thread t) -> pids.get(t)).thenComparingInt(t -> rank(names.get(t)))
                    .thenComparingInt(t -> -busy.getOrDefault(tids.get(t), 0)).thenComparingInt(tids::get));
            Map<Integer, Integer> renumbered = new HashMap<>();
            for (Thread t : order) {
                int p = pids.get(t);
                int tid = renumbered.size() + 1;
                renumbered.put(tids.get(t), tid);
                w.write(sep + "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" + p + ",\"tid\":" + tid
                        + ",\"args\":{\"name\":\"" + json(names.get(t)) + "\"}}");
                w.write(",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":" + p + ",\"tid\":" + tid
                        + ",\"args\":{\"sort_index\":" + tid + "}}");
                sep = ",\n";
            }
            List<String> nested = SliceNesting.nest(events);
            for (String e : nested) {
                java.util.regex.Matcher m = tidField.matcher(e);
                w.write(sep + (m.find() ? e.substring(0, m.start(1)) + renumbered.get(Integer.parseInt(m.group(1))) + e.substring(m.end(1)) : e));
                sep = ",\n";
            }
            w.write("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"title\":\"" + json(title) + "\",\"limitPerRun\":" + limit
                    + ",\"events\":" + events.size() + ",\"dropped\":" + dropped + ",\"cut\":" + (nested.size() - events.size()) + "}}\n");
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
