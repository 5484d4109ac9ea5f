package smpnet.witness;

/** The kinds of report witness makes; {@link #title()} is the text used in the report's first line. */
public enum ReportKind {
    /** An acquisition closed a cycle in the learned order. */
    LOCK_ORDER_REVERSAL("lock order reversal"),
    /** An acquisition (or a learned edge) contradicts a declared order. */
    DECLARED_ORDER_VIOLATION("declared order violation"),
    /** An edge not in the imported baseline was learned (only with {@link Witness#setReportNewOrders}). */
    NEW_ORDER("new lock order"),
    /** A thread took a lock it already holds, and its class is not RECURSABLE (or shared then exclusive). */
    RECURSION("recursion on non-recursable lock"),
    /** A thread took a second lock of a class it already holds, and the class is not DUPOK. */
    DUPLICATE("duplicate lock of same class"),
    /** A thread released a lock it does not hold. */
    UNLOCK_NOT_HELD("unlock of lock not held"),
    /** A thread is about to sleep (or take a sleepable lock) holding a spin lock or a mutex. */
    SLEEP_WITH_LOCK("sleeping with non-sleepable lock held"),
    /** A thread is about to block on (or take) a blocking lock while holding a spin lock. */
    BLOCK_WITH_SPIN("blocking with spin lock held"),
    /** A release, upgrade or downgrade whose shared/exclusive mode does not match the hold. */
    MODE_MISMATCH("shared/exclusive mismatch"),
    /** A sleep inside an ithread, netisr or callout handler. */
    SLEEP_IN_HANDLER("sleeping in handler"),
    /** A handler returned to its loop with a lock it took still held. */
    HELD_AT_HANDLER_EXIT("lock held at handler exit"),
    /** leaveHandler without a matching enterHandler. */
    HANDLER_MISMATCH("handler enter/leave mismatch"),
    /** A thread ended while it still held locks: they stay taken for good, and their next waiter hangs. */
    THREAD_DIED_HOLDING("thread exited with locks held"),
    /** A lock made while witness was off was taken after witness was switched on: it is not checked. */
    UNCHECKED_LOCK("lock made before witness was on");

    private final String title;

    ReportKind(String title) { this.title = title; }

    /** The fixed words of this kind in the report's first line. */
    public String title() { return title; }

    /** True for the order kinds (reported once per pair of classes). */
    public boolean isOrder() {
        return this == LOCK_ORDER_REVERSAL || this == DECLARED_ORDER_VIOLATION || this == NEW_ORDER;
    }
}
