package smpnet.stack.locks;

/** How a stack instance locks itself; chosen once, when the instance is created. */
public enum LockMode {
    /** Every lock of inventory rows 3-10 is the instance's one Giant; rows 2 and 11-13 keep their own. */
    GIANT,
    /** Every object has its own lock of the class the inventory names, taken in the declared order. */
    FINE,
    /**
     * Fine locks, plus Giant held around each of the four entry points (ithread, netisr handler, timer,
     * socket call), as FreeBSD 5 ran the stack with {@code debug.mpsafenet=0}.
     */
    GIANT_OVER_FINE
}
