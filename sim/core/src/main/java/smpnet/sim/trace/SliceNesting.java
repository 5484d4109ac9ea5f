package smpnet.sim.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes the complete slices ({@code "ph":"X"}) of each thread nest, as viewers that draw a thread's slices
 * as a stack require (speedscope closes a slice only when it is the innermost open one, Perfetto marks the
 * others misnested). Lock holds need not nest: FreeBSD's udp_input takes the pcb list's lock, then the
 * pcb's, and releases the list's first (hand-over-hand). A slice that outlives the one it started in is cut
 * where that one ends: its first piece nests in it, the rest goes on from there, under the same name. No
 * time is lost or added: the pieces cover the slice's time exactly.
 *
 * <p>Times are read in units of 1/1024 µs, the resolution {@link ChromeTrace} writes them in: both a
 * slice's start and its length are then exact binary fractions, so a viewer's sum of the two equals the
 * start of the slice that begins there, to the bit.
 */
final class SliceNesting {
    private static final Pattern X = Pattern.compile("\"ph\":\"X\"");
    private static final Pattern TID = Pattern.compile("\"tid\":(\\d+),");
    private static final Pattern TS = Pattern.compile("\"ts\":(-?[0-9.]+)");
    private static final Pattern DUR = Pattern.compile("\"dur\":(-?[0-9.]+)");

    private SliceNesting() {}

    /** One slice or piece: the event it came from (its index), and its time in 1/1024 µs. */
    private record Slice(int event, long start, long end, int order) {}

    /**
     * {@code events} with each thread's X slices cut so that they nest: each event in its place, an event
     * cut in pieces replaced by its pieces in time order. Other events are kept as they are.
     */
    static List<String> nest(List<String> events) {
        Map<Integer, List<Slice>> byThread = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            String e = events.get(i);
            if (!X.matcher(e).find()) continue;
            Matcher tid = TID.matcher(e), ts = TS.matcher(e), dur = DUR.matcher(e);
            if (!tid.find() || !ts.find() || !dur.find()) continue;
            long start = ChromeTrace.units(ts.group(1));
            byThread.computeIfAbsent(Integer.parseInt(tid.group(1)), k -> new ArrayList<>())
                    .add(new Slice(i, start, start + ChromeTrace.units(dur.group(1)), i));
        }
        Map<Integer, List<Slice>> pieces = new HashMap<>();
        for (List<Slice> slices : byThread.values()) {
            for (Slice s : cut(slices)) pieces.computeIfAbsent(s.event(), k -> new ArrayList<>()).add(s);
        }
        List<String> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            List<Slice> p = pieces.get(i);
            if (p == null || p.size() == 1) {
                out.add(events.get(i));
                continue;
            }
            String e = events.get(i);
            for (Slice s : p) {
                String timed = TS.matcher(e).replaceFirst("\"ts\":" + ChromeTrace.time(s.start()));
                out.add(DUR.matcher(timed).replaceFirst("\"dur\":" + ChromeTrace.time(s.end() - s.start())));
            }
        }
        return out;
    }

    /**
     * One thread's slices, cut: swept in order of start (the longer first when two start together, as
     * viewers nest them), with the slices open at each point on a stack. A slice that starts inside the
     * innermost open one and ends after it is cut at that end; the rest is swept again from there.
     */
    private static List<Slice> cut(List<Slice> slices) {
        PriorityQueue<Slice> todo = new PriorityQueue<>((a, b) -> a.start() != b.start() ? Long.compare(a.start(), b.start())
                : a.end() != b.end() ? Long.compare(b.end(), a.end()) : Integer.compare(a.order(), b.order()));
        todo.addAll(slices);
        ArrayDeque<Slice> open = new ArrayDeque<>();
        List<Slice> out = new ArrayList<>();
        while (!todo.isEmpty()) {
            Slice s = todo.poll();
            while (!open.isEmpty() && open.peek().end() <= s.start()) open.pop();
            if (!open.isEmpty() && open.peek().end() < s.end()) {
                long at = open.peek().end();
                Slice first = new Slice(s.event(), s.start(), at, s.order());
                out.add(first);
                open.push(first);
                todo.add(new Slice(s.event(), at, s.end(), s.order()));
            } else {
                out.add(s);
                open.push(s);
            }
        }
        out.sort((a, b) -> Long.compare(a.start(), b.start()));
        return out;
    }
}
