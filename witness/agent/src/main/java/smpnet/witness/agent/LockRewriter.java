package smpnet.witness.agent;

import java.util.ArrayDeque;
import java.util.Set;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Rewrites one method's bytecode so that witness sees its locks (the agent's ASM visitor):
 *
 * <pre>
 *   monitorenter               dup, hint, Hooks.monitorEnter; monitorenter
 *   monitorexit                dup, hint, Hooks.monitorExit; monitorexit
 *   o.wait(...)                Hooks.waitOn(o, ...)
 *   Thread.sleep, LockSupport.park*      Hooks.sleeping() first
 *   lock.lock() and the other Lock methods, on Lock, ReentrantLock and the read/write views:
 *                              Hooks.lock(lock, hint) ...
 *   condition.await*(...)      Hooks.await*(condition, ...)
 *   new ReentrantLock / ReentrantReadWriteLock / Object, once constructed:
 *                              dup, name, Hooks.allocated
 * </pre>
 *
 * A <em>hint</em> names a lock the agent did not see allocated: the field it was just read from
 * ({@code getfield Bank.lock; dup; astore; monitorenter} is how javac compiles {@code synchronized(lock)}),
 * else the method. An allocation is named by the field it is stored into by the next instruction, else by
 * the method. Nothing here branches, so no stack map frame changes; each rewrite needs at most two more
 * stack slots, added in {@link #visitMaxs}.
 */
final class LockRewriter extends MethodVisitor {
    static final String HOOKS = "smpnet/witness/agent/Hooks";
    private static final String LOCKS = "java/util/concurrent/locks/";
    private static final Set<String> LOCK_OWNERS = Set.of(LOCKS + "Lock", LOCKS + "ReentrantLock",
            LOCKS + "ReentrantReadWriteLock$ReadLock", LOCKS + "ReentrantReadWriteLock$WriteLock");
    private static final Set<String> ALLOCATED = Set.of(LOCKS + "ReentrantLock", LOCKS + "ReentrantReadWriteLock",
            "java/lang/Object");

    private final String site;
    /** Types of the {@code new} instructions whose constructor has not run yet, innermost last. */
    private final ArrayDeque<String> pendingNew = new ArrayDeque<>();
    /** The field the value on top of the stack was just read from, or null. */
    private String lastField;
    /** A tracked object was just constructed and is on top of the stack, not yet named. */
    private boolean constructed;

    LockRewriter(MethodVisitor next, String owner, String method) {
        super(Opcodes.ASM9, next);
        this.site = owner.replace('/', '.') + "." + method;
    }

    private String hint() {
        return lastField != null ? lastField : site;
    }

    /** Names a just-constructed object by its allocation site if no field store follows. */
    private void flush() {
        if (constructed) {
            constructed = false;
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(site);
            hook("allocated", "(Ljava/lang/Object;Ljava/lang/String;)V");
        }
    }

    private void hook(String name, String desc) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, name, desc, false);
    }

    @Override
    public void visitInsn(int opcode) {
        flush();
        String hint = hint();
        if (opcode == Opcodes.MONITORENTER) {
            // Checked and recorded before the JVM takes the monitor: HotSpot compiles a method only if every
            // instruction that may throw while a monitor is held lies in a handler's range, and javac's
            // range starts after monitorenter at a label that may also be a jump target (a loop head).
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(hint);
            hook("monitorEnter", "(Ljava/lang/Object;Ljava/lang/String;)V");
            super.visitInsn(opcode);
        } else if (opcode == Opcodes.MONITOREXIT) {
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(hint);
            hook("monitorExit", "(Ljava/lang/Object;Ljava/lang/String;)V");
            super.visitInsn(opcode);
        } else {
            super.visitInsn(opcode);
        }
        if (opcode != Opcodes.DUP) {
            lastField = null;
        }
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        flush();
        super.visitVarInsn(opcode, var);
        if (opcode != Opcodes.ASTORE) {
            lastField = null; // javac stores the monitor in a local for the exits: the field still names it
        }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String desc) {
        if (constructed && (opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC)) {
            constructed = false;
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(owner.replace('/', '.') + "." + name);
            hook("allocated", "(Ljava/lang/Object;Ljava/lang/String;)V");
        }
        flush();
        super.visitFieldInsn(opcode, owner, name, desc);
        lastField = opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC ? owner.replace('/', '.') + "." + name : null;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        flush();
        if (opcode == Opcodes.NEW) {
            pendingNew.addLast(type);
        }
        super.visitTypeInsn(opcode, type);
        lastField = null;
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
        flush();
        String hint = hint();
        lastField = null;
        if (opcode == Opcodes.INVOKESPECIAL && name.equals("<init>")) {
            boolean ours = owner.equals(pendingNew.peekLast());
            if (ours) {
                pendingNew.removeLast();
            }
            super.visitMethodInsn(opcode, owner, name, desc, itf);
            constructed = ours && ALLOCATED.contains(owner); // a super() call has no "new" of its own
            return;
        }
        if ((opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE) && name.equals("wait")
                && (desc.equals("()V") || desc.equals("(J)V") || desc.equals("(JI)V"))) {
            hook("waitOn", "(Ljava/lang/Object;" + desc.substring(1));
            return;
        }
        if (opcode == Opcodes.INVOKESTATIC && (owner.equals("java/lang/Thread") && name.equals("sleep")
                || owner.equals(LOCKS + "LockSupport") && name.startsWith("park"))) {
            hook("sleeping", "()V");
        } else if (opcode != Opcodes.INVOKESTATIC && LOCK_OWNERS.contains(owner) && lockMethod(name, desc)) {
            super.visitLdcInsn(hint);
            hook(name, "(Ljava/util/concurrent/locks/Lock;" + desc.substring(1, desc.indexOf(')'))
                    + "Ljava/lang/String;" + desc.substring(desc.indexOf(')')));
            return;
        } else if (opcode == Opcodes.INVOKEINTERFACE && owner.equals(LOCKS + "Condition") && name.startsWith("await")) {
            hook(name, "(Ljava/util/concurrent/locks/Condition;" + desc.substring(1));
            return;
        }
        super.visitMethodInsn(opcode, owner, name, desc, itf);
    }

    private static boolean lockMethod(String name, String desc) {
        switch (name) {
            case "lock": case "lockInterruptibly": case "unlock": return desc.equals("()V");
            case "tryLock": return desc.equals("()Z") || desc.equals("(JLjava/util/concurrent/TimeUnit;)Z");
            case "newCondition": return desc.equals("()Ljava/util/concurrent/locks/Condition;");
            default: return false;
        }
    }

    // Every other instruction ends a pending allocation and forgets the field just read.

    @Override
    public void visitIntInsn(int opcode, int operand) { flush(); lastField = null; super.visitIntInsn(opcode, operand); }

    @Override
    public void visitJumpInsn(int opcode, Label label) { flush(); lastField = null; super.visitJumpInsn(opcode, label); }

    @Override
    public void visitLabel(Label label) { flush(); super.visitLabel(label); }

    @Override
    public void visitLdcInsn(Object value) { flush(); lastField = null; super.visitLdcInsn(value); }

    @Override
    public void visitIincInsn(int var, int increment) { flush(); lastField = null; super.visitIincInsn(var, increment); }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        flush();
        lastField = null;
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        flush();
        lastField = null;
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String desc, int dims) { flush(); lastField = null; super.visitMultiANewArrayInsn(desc, dims); }

    @Override
    public void visitInvokeDynamicInsn(String name, String desc, net.bytebuddy.jar.asm.Handle bsm, Object... args) {
        flush();
        lastField = null;
        super.visitInvokeDynamicInsn(name, desc, bsm, args);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        flush();
        super.visitFrame(type, numLocal, local, numStack, stack);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        flush();
        super.visitMaxs(maxStack + 2, maxLocals);
    }
}
