/** The UMA-like {@link smpnet.stack.internal.mbuf.Zone} allocator with per-CPU caches, and external storage. */
package smpnet.stack.internal.mbuf;
