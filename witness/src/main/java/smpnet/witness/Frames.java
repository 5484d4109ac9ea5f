package smpnet.witness;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Captures stacks for reports, without the frames of witness itself and of lock implementations. */
final class Frames {
    /** Reports print at most this many frames of a stack, then "... n more". */
    static final int MAX_PRINTED = 12;
    static final StackTraceElement[] NONE = new StackTraceElement[0];

    private static final List<String> HIDDEN = new CopyOnWriteArrayList<>(
            Arrays.asList("smpnet.witness.", "smpnet.locking.", "java.util.concurrent.locks."));

    private Frames() {}

    static void hide(String prefix) {
        if (!HIDDEN.contains(prefix)) {
            HIDDEN.add(prefix);
        }
    }

    /** Frames kept of a stack: every learned edge keeps one, so the graph's memory stays linear in edges. */
    static final int MAX_KEPT = 32;

    /** The current stack, from the first frame that belongs to the code taking the lock, at most MAX_KEPT frames. */
    static StackTraceElement[] capture() {
        StackTraceElement[] all = new Throwable().getStackTrace();
        int i = 0;
        while (i < all.length - 1 && hidden(all[i].getClassName())) {
            i++;
        }
        return Arrays.copyOfRange(all, i, Math.min(all.length, i + MAX_KEPT));
    }

    /** Lock and witness frames are hidden; test classes in those packages are not. */
    private static boolean hidden(String cls) {
        if (cls.contains("Test")) {
            return false;
        }
        for (String p : HIDDEN) {
            if (cls.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    static String site(StackTraceElement[] stack) {
        return stack == null || stack.length == 0 ? "?" : stack[0].toString();
    }

    static void append(StringBuilder sb, StackTraceElement[] stack, String indent) {
        if (stack == null || stack.length == 0) {
            sb.append(indent).append("(no stack)\n");
            return;
        }
        int n = Math.min(stack.length, MAX_PRINTED);
        for (int i = 0; i < n; i++) {
            sb.append(indent).append(stack[i]).append('\n');
        }
        if (stack.length > n) {
            sb.append(indent).append("... ").append(stack.length - n).append(" more\n");
        }
    }
}
