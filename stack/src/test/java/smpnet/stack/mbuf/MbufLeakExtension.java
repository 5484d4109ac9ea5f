package smpnet.stack.mbuf;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that fails a test which leaves any mbuf outstanding, in any allocator alive during it,
 * and lists each leaked mbuf with its allocation site. The stack module registers it for every test through
 * extension auto-detection; other modules add {@code @ExtendWith(MbufLeakExtension.class)}.
 *
 * <p>An allocator that already had mbufs outstanding before the test (a fixture shared between tests) is
 * judged by its growth: the test fails only if it leaves more outstanding than it found.
 */
public final class MbufLeakExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MbufLeakExtension.class);
    private static final String BASELINE = "baseline";

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put(BASELINE, LeakRegistry.beginScope());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Map<MbufAllocator, Long> baseline = context.getStore(NS).remove(BASELINE, Map.class);
        List<MbufAllocator> alive = LeakRegistry.endScope();
        String report = report(alive, baseline == null ? Map.of() : baseline);
        if (!report.isEmpty()) throw new AssertionError(report);
    }

    /** The leak report for {@code alive} allocators measured against {@code baseline}; empty if none leaked. */
    static String report(List<MbufAllocator> alive, Map<MbufAllocator, Long> baseline) {
        StringBuilder sb = new StringBuilder();
        for (MbufAllocator a : alive) {
            long before = baseline.getOrDefault(a, 0L);
            long now = a.outstanding();
            if (now <= before) continue;
            sb.append(now - before).append(" mbuf(s) leaked from allocator ").append(a.name()).append(':');
            List<String> lines = a.outstandingReport();
            if (lines.isEmpty()) sb.append("\n  (allocation sites not tracked: -D")
                    .append(MbufAllocator.TRACK_PROPERTY).append("=on)");
            for (String line : lines) sb.append("\n  ").append(line);
            sb.append('\n');
        }
        return sb.toString();
    }
}
