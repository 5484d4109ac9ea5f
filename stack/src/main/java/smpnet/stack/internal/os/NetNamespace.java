package smpnet.stack.internal.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux network namespace smpnet makes for itself, named {@code smpnet-<pid>-<n>} so that a later run can
 * tell whose it was: {@link #sweepStale()} removes those of processes that are gone (a JVM killed before its
 * shutdown hook ran). Everything is done with {@code ip} commands run as child processes.
 *
 * <p>Locking key: {@code LIVE} is a concurrent set (the shutdown hook reads it from its own thread);
 * {@code removed} is volatile and set once.
 */
public final class NetNamespace implements AutoCloseable {
    private static final String PREFIX = "smpnet-";
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)-(\\d+)$");
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final Set<NetNamespace> LIVE = ConcurrentHashMap.newKeySet();
    private static final long TIMEOUT_SECONDS = 30;

    static {
        // Thread hand-off: the other end is the JVM's shutdown, which runs this hook on its own thread.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (NetNamespace ns : List.copyOf(LIVE)) ns.close();
        }, "smpnet-netns-cleanup"));
    }

    private final String name;
    private volatile boolean removed;

    private NetNamespace(String name) { this.name = name; }

    /** Makes a new namespace (after sweeping those left by dead processes); it is removed at JVM exit at the latest. */
    public static NetNamespace create() throws IOException {
        sweepStale();
        String name = PREFIX + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
        NetNamespace ns = new NetNamespace(name);
        LIVE.add(ns); // before the namespace exists: a hook running during "ip netns add" still removes it
        try {
            ip("netns", "add", name);
        } catch (IOException e) {
            LIVE.remove(ns);
            throw e;
        }
        return ns;
    }

    public String name() { return name; }

    /** {@code command} as it runs inside this namespace ({@code ip netns exec NAME command...}). */
    public List<String> exec(String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(List.of(command));
        return c;
    }

    /** Runs {@code ip -n NAME args...} (configuration inside the namespace). */
    public String ipIn(String... args) throws IOException {
        List<String> c = new ArrayList<>(List.of("-n", name));
        c.addAll(List.of(args));
        return ip(c.toArray(String[]::new));
    }

    /**
     * Moves the calling thread into this namespace: the sockets it opens from now on are the namespace's
     * (a socket keeps the namespace it was made in, whichever thread uses it later). Only the calling
     * thread moves, and threads it starts afterwards begin in the namespace too; the rest of the JVM stays
     * where it was. Undo with {@link #enterOwn}.
     */
    public void enter() throws IOException {
        int own = Own.fd(); // opened before the first thread leaves the process's namespace
        if (own < 0) throw new IOException("cannot open this thread's network namespace: " + Own.failure);
        int fd = Posix.open(Path.of("/run/netns", name).toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
        try {
            Posix.setns(fd, Posix.CLONE_NEWNET, "enter network namespace " + name);
        } finally {
            Posix.close(fd);
        }
    }

    /**
     * Moves the calling thread back into the process's own network namespace: the one the first thread to
     * {@link #enter} a namespace was in before it did.
     */
    public static void enterOwn() throws IOException {
        int own = Own.fd();
        if (own < 0) throw new IOException("cannot open this thread's network namespace: " + Own.failure);
        Posix.setns(own, Posix.CLONE_NEWNET, "enter the process's network namespace");
    }

    /**
     * A descriptor of the process's own network namespace, opened once, by the first thread that enters
     * another (so before any thread has left it) and kept open for the life of the JVM.
     */
    private static final class Own {
        static String failure = "";
        private static final int FD = open();

        private static int open() {
            try {
                return Posix.open("/proc/thread-self/ns/net", Posix.O_RDONLY | Posix.O_CLOEXEC);
            } catch (IOException e) {
                failure = e.getMessage();
                return -1;
            }
        }

        static int fd() { return FD; }
    }

    /** Whether {@code ip netns list} still shows this namespace. */
    public boolean exists() throws IOException { return list().contains(name); }

    /** Removes the namespace (its virtual devices go with it); once, and quietly if already gone. */
    @Override
    public void close() {
        if (removed) return;
        removed = true;
        try {
            ip("netns", "del", name);
        } catch (IOException e) {
            System.err.println("smpnet: could not remove network namespace " + name + ": " + e.getMessage());
        } finally {
            LIVE.remove(this);
        }
    }

    /** The names {@code ip netns list} prints, one per namespace. */
    public static List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : ip("netns", "list").split("\n")) {
            String n = line.strip().split("\\s+")[0];
            if (!n.isEmpty()) names.add(n);
        }
        return names;
    }

    /**
     * Removes the namespaces smpnet made in processes that no longer run; returns their names. Namespaces of
     * live processes (this one, a parallel run) are left alone.
     */
    public static List<String> sweepStale() throws IOException {
        List<String> swept = new ArrayList<>();
        for (String n : list()) {
            Matcher m = OURS.matcher(n);
            if (!m.matches()) continue;
            long pid = Long.parseLong(m.group(1));
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (alive) continue;
            ip("netns", "del", n);
            swept.add(n);
        }
        return swept;
    }

    /** Runs {@code ip args...}; its output, or an IOException with its error output when it fails. */
    public static String ip(String... args) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip"));
        c.addAll(List.of(args));
        return run(c);
    }

    /** Runs {@code command} to its end; its standard output, or an IOException naming the command and its errors. */
    public static String run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (" + e.getMessage() + "): " + String.join(" ", command), e);
        }
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
        return out;
    }
}
