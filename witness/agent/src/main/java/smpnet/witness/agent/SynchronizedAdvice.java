package smpnet.witness.agent;

import net.bytebuddy.asm.Advice;

/**
 * Inlined into every synchronized method: the JVM takes and releases the monitor ({@code this}, or the
 * class for a static method) around the body, so witness hears of it at the body's start and at every way
 * out, exceptions included.
 */
final class SynchronizedAdvice {
    private SynchronizedAdvice() {}

    /** Instance methods: the monitor is {@code this}. */
    static final class OnInstance {
        private OnInstance() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.This Object self) {
            Hooks.synchronizedEntered(self);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.This Object self) {
            Hooks.synchronizedExited(self);
        }
    }

    /** Static methods: the monitor is the class. */
    static final class OnStatic {
        private OnStatic() {}

        @Advice.OnMethodEnter
        static void enter(@Advice.Origin Class<?> type, @Advice.Origin("#t") String typeName) {
            Hooks.staticSynchronizedEntered(type, typeName);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Origin Class<?> type, @Advice.Origin("#t") String typeName) {
            Hooks.staticSynchronizedExited(type, typeName);
        }
    }
}
