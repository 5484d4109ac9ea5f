package smpnet.witness.agent;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.isSynchronized;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.Lock;
import java.util.stream.Collectors;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.loading.ClassInjector;
import smpnet.witness.Report;
import smpnet.witness.Witness;

/**
 * The entry point of {@code -javaagent:smpnet-witness-agent.jar[=options]} (options: {@link AgentOptions}).
 * It switches the JVM's witness on and rewrites every class loaded from then on (but the JDK's, witness's
 * and the test runner's) so that its monitors, waits, sleeps and {@code java.util.concurrent} locks are
 * checked: a reversal is reported at the acquisition that makes it, with both stacks, in witness's own
 * report format. Attached later ({@code agentmain}), it sees only classes loaded after it.
 */
public final class WitnessAgent {
    private WitnessAgent() {}

    public static void premain(String args, Instrumentation inst) {
        // Our ByteBuddy copy must not use sun.misc.Unsafe (JDK 24+ warns on every start; it is not needed
        // to rewrite classes as they load). The property name is relocated with ByteBuddy: it is ours alone.
        System.setProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
        install(AgentOptions.parse(args), inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        premain(args, inst);
    }

    private static synchronized void install(AgentOptions options, Instrumentation inst) {
        Witness witness = Witness.enable();
        if (options.policy != null) {
            witness.setPolicy(options.policy);
        }
        openLocks(inst);
        Hooks.install(witness, new LockNames(witness, options.dupok));
        Witness.hideFrames("smpnet.witness.agent.");
        Map<ClassLoader, Boolean> seesHooks = Collections.synchronizedMap(new WeakHashMap<>());
        AsmVisitorWrapper rewrite = new AsmVisitorWrapper.ForDeclaredMethods().invokable(any(),
                (type, method, mv, context, pool, writerFlags, readerFlags) ->
                        new LockRewriter(mv, type.getInternalName(), method.getInternalName()));
        new AgentBuilder.Default()
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
                .ignore(type -> !options.rewrites(type.getName()))
                .type(any(), loader -> loader != null && seesHooks.computeIfAbsent(loader, WitnessAgent::seesHooks))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(rewrite)
                        .visit(Advice.to(SynchronizedAdvice.OnInstance.class)
                                .on(isSynchronized().and(not(isStatic())).and(not(isNative())).and(not(isAbstract()))))
                        .visit(Advice.to(SynchronizedAdvice.OnStatic.class)
                                .on(isSynchronized().and(isStatic()).and(not(isNative())))))
                .installOn(inst);
        if (options.out != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> writeResults(witness, options.out), "witness-agent-results"));
        }
    }

    /** Lets LockNames read ReentrantReadWriteLock's views' shared state (the one lock both views are). */
    private static void openLocks(Instrumentation inst) {
        Module base = Lock.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of(), Map.of("java.util.concurrent.locks", Set.of(WitnessAgent.class.getModule())),
                Set.of(), Map.of());
    }

    /** A class is rewritten only if its loader finds this very Hooks class (it delegates to ours). */
    private static boolean seesHooks(ClassLoader loader) {
        try {
            return Class.forName(Hooks.class.getName(), false, loader) == Hooks.class;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** At exit: the reports (JSON array and text), the learned order (DOT and the text order format). */
    static void writeResults(Witness witness, Path dir) {
        try {
            Files.createDirectories(dir);
            List<Report> reports = witness.reports();
            Files.writeString(dir.resolve("witness-reports.json"),
                    reports.stream().map(Report::toJson).collect(Collectors.joining(",\n", "[\n", "\n]\n")), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("witness-reports.txt"),
                    reports.stream().map(Report::text).collect(Collectors.joining("\n")), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("witness-order.dot"), witness.showWitnessDot(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("witness-order.txt"), witness.exportText(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
