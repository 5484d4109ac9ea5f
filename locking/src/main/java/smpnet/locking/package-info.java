/**
 * Kernel-style locking primitives for smpnet, modeled on FreeBSD SMPng: {@link smpnet.locking.Mutex},
 * {@link smpnet.locking.SpinMutex}, {@link smpnet.locking.SxLock}, {@link smpnet.locking.RwLock},
 * {@link smpnet.locking.CondVar} and {@link smpnet.locking.Giant}, with run-time lock profiling
 * ({@link smpnet.locking.LockProfiler}) and the scheduling seam ({@link smpnet.locking.Scheduler}) through
 * which every wait, worker start, clock read and timer of the stack goes, with its two implementations: free
 * threads ({@link smpnet.locking.FreeScheduler}) and one thread at a time, seeded, on virtual time
 * ({@link smpnet.locking.DeterministicScheduler}).
 *
 * <p>Every primitive follows one acquisition path, as FreeBSD's {@code kern_mutex.c} and {@code kern_sx.c}
 * do: witness order check, fast path (one compare-and-set), slow path (queue on the lock's
 * {@code Turnstile}, tell witness the thread is about to block, park through the scheduler until the
 * releasing thread hands the lock over), then profiling, the witness "locked" hook and a scheduling point.
 * Release is the mirror image. A student who has read {@link smpnet.locking.Mutex} has read them all.
 */
package smpnet.locking;
