package smpnet.witness.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import smpnet.witness.Policy;

/**
 * The agent's options: {@code -javaagent:smpnet-witness-agent.jar=key=value,key=value}.
 *
 * <pre>
 *   policy=warn|count|throw   what a report does (default warn: printed to System.err at the acquisition)
 *   out=DIR                   at exit, write DIR/witness-reports.json, .txt, witness-order.dot and .txt
 *   include=PREFIX:PREFIX     rewrite only classes whose name starts with one of these (default: all)
 *   exclude=PREFIX:PREFIX     never rewrite these (added to the JDK, witness and test-runner packages)
 *   dupok=on|off              several locks of one class may be held together (default on)
 * </pre>
 */
final class AgentOptions {
    /** Never rewritten: the JDK, the agent and witness, and test runners (their locks are not the subject). */
    static final List<String> ALWAYS_EXCLUDED = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "net.bytebuddy.", "smpnet.witness.", "org.junit.", "junit.", "org.opentest4j.", "org.apiguardian.",
            "org.apache.maven.surefire.", "org.gradle.", "worker.org.gradle.");

    /** Null: the policy witness reads from smpnet.witness.policy (default warn). */
    Policy policy;
    Path out;
    final List<String> include = new ArrayList<>();
    final List<String> exclude = new ArrayList<>(ALWAYS_EXCLUDED);
    boolean dupok = true;

    static AgentOptions parse(String args) {
        AgentOptions o = new AgentOptions();
        if (args == null || args.isBlank()) {
            return o;
        }
        for (String item : args.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("witness agent: expected key=value, got '" + item + "'");
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            switch (key) {
                case "policy": o.policy = Policy.valueOf(value.toUpperCase(Locale.ROOT)); break;
                case "out": o.out = Path.of(value); break;
                case "include": o.include.addAll(Arrays.asList(value.split(":"))); break;
                case "exclude": o.exclude.addAll(Arrays.asList(value.split(":"))); break;
                case "dupok": o.dupok = !value.equals("off"); break;
                default: throw new IllegalArgumentException("witness agent: unknown option '" + key
                        + "' (policy, out, include, exclude, dupok)");
            }
        }
        return o;
    }

    /** True if classes of this name are rewritten. */
    boolean rewrites(String className) {
        for (String p : exclude) {
            if (className.startsWith(p)) {
                return false;
            }
        }
        if (include.isEmpty()) {
            return true;
        }
        for (String p : include) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
