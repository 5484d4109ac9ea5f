package smpnet.stack.mbuf;

import java.util.Set;
import smpnet.stack.internal.mbuf.Zone;

/** Captures "who called into the mbuf code" as a short source location, for leak and misuse reports. */
final class AllocSites {
    private static final String PKG = "smpnet.stack.mbuf.";
    private static final Set<String> INTERNAL = Set.of("Mbuf", "MbufAllocator", "MbufOps", "Zone", "ExtStorage",
            "MbufTransfer", "AllocSites", "PacketHeader", "Storage");
    private static final StackWalker WALKER = StackWalker.getInstance();

    private AllocSites() {}

    /** The first frame outside this package's implementation, e.g. {@code Foo.bar(Foo.java:12)}. */
    static String capture() {
        return WALKER.walk(frames -> frames
                .filter(f -> !internal(f.getClassName()))
                .findFirst()
                .map(f -> f.toStackTraceElement().toString())
                .orElse("unknown"));
    }

    private static boolean internal(String cls) {
        if (!cls.startsWith(PKG)) return false;
        String simple = cls.substring(PKG.length());
        int dollar = simple.indexOf('$');
        return INTERNAL.contains(dollar < 0 ? simple : simple.substring(0, dollar));
    }
}
