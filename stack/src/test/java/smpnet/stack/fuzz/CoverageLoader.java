package smpnet.stack.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;

/**
 * Loads the stack a second time, child first, with an edge-coverage probe ({@link EdgeCoverage#hit})
 * at the entry of every method, at every label (branch targets, handlers) and after every conditional
 * branch (the fall-through block). The JDK's own class-file API does the rewriting: Jazzer's
 * instrumentation reads class files with an ASM too old for Java 25's (major version 69).
 *
 * <p>What it loads itself: every class under {@code smpnet.stack.} except this fuzz engine (so the
 * coverage map and the target interface are shared with the caller), with the fuzz targets' own
 * package {@code smpnet.stack.fuzz.targets} included. Of those it instruments the protocol, header and
 * socket code, not the allocator, netisr, locks or devices, whose counts vary from run to run and would
 * make every input look new.
 * {@code smpnet.locking} and {@code smpnet.witness} stay with the parent: one witness per JVM.
 */
public final class CoverageLoader extends ClassLoader {
    private static final ClassDesc COVERAGE = ClassDesc.of(EdgeCoverage.class.getName());
    private static final MethodTypeDesc HIT = MethodTypeDesc.ofDescriptor("(I)V");
    /** The parsers and protocols; not the allocator, locks, netisr or statistics, whose counts vary run to run. */
    private static final String[] INSTRUMENTED = {"smpnet.stack.internal.ether.", "smpnet.stack.internal.arp.",
            "smpnet.stack.internal.ip.", "smpnet.stack.internal.icmp.", "smpnet.stack.internal.udp.",
            "smpnet.stack.internal.tcp.", "smpnet.stack.internal.wire.", "smpnet.stack.internal.route.",
            "smpnet.stack.socket."};

    private final ClassLoader parent;
    private final ClassFile classFile;

    public CoverageLoader(ClassLoader parent) {
        super("fuzz-coverage", parent);
        this.parent = parent;
        this.classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.ofResourceParsing(parent).orElse(ClassHierarchyResolver.defaultResolver())));
    }

    private static boolean ownsClass(String name) {
        if (!name.startsWith("smpnet.stack.")) return false;
        return !name.startsWith("smpnet.stack.fuzz.") || name.startsWith("smpnet.stack.fuzz.targets.");
    }

    private static boolean instruments(String name) {
        for (String p : INSTRUMENTED) if (name.startsWith(p)) return true;
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!ownsClass(name)) return super.loadClass(name, resolve);
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) c = define(name);
            if (resolve) resolveClass(c);
            return c;
        }
    }

    private Class<?> define(String name) throws ClassNotFoundException {
        byte[] bytes;
        try (InputStream in = parent.getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) throw new ClassNotFoundException(name);
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        if (instruments(name)) bytes = instrument(name, bytes);
        return defineClass(name, bytes, 0, bytes.length);
    }

    private byte[] instrument(String name, byte[] bytes) {
        ClassModel model = classFile.parse(bytes);
        int[] site = {name.hashCode() * 0x9E3779B9};
        ClassTransform t = ClassTransform.transformingMethodBodies(CodeTransform.ofStateful(() -> new CodeTransform() {
            boolean entered;

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                if (!entered) {
                    entered = true;
                    probe(b, site);
                }
                b.with(e);
                if (e instanceof LabelTarget
                        || (e instanceof BranchInstruction br && br.opcode() != Opcode.GOTO && br.opcode() != Opcode.GOTO_W)) {
                    probe(b, site);
                }
            }
        }));
        return classFile.transformClass(model, t);
    }

    /** Stable ids: the same class and site get the same id in every run, so a corpus replays the same edges. */
    private static void probe(CodeBuilder b, int[] site) {
        int id = site[0] += 0x61C88647;
        b.loadConstant((id ^ (id >>> 16)) & (EdgeCoverage.SIZE - 1));
        b.invokestatic(COVERAGE, "hit", HIT);
    }
}
