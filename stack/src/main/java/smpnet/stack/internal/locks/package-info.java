/** The declared lock order as data ({@link smpnet.stack.internal.locks.LockOrder}) and its loading into witness. */
package smpnet.stack.internal.locks;
