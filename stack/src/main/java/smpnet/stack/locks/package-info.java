/**
 * The lock factory of a stack instance: protocol code asks for "the lock of this pcb" by inventory class
 * ({@link smpnet.stack.locks.LockInventory}) and gets its own lock in fine mode or the host's Giant in giant
 * mode ({@link smpnet.stack.locks.LockMode}), so one code path serves both. {@code LockOrder}
 * is the one place where the order of DESIGN.md's inventory is declared as data.
 */
package smpnet.stack.locks;
