/**
 * Packet memory, as in FreeBSD: {@link smpnet.stack.mbuf.Mbuf}s and their chains, external storage shared
 * by reference count, and the UMA-like {@code Zone} allocator with per-CPU caches that
 * backs each stack instance's {@link smpnet.stack.mbuf.MbufAllocator}.
 *
 * <p>Entry points: {@link smpnet.stack.mbuf.MbufAllocator} (one per stack instance),
 * {@link smpnet.stack.mbuf.Mbuf} (the operations), {@link smpnet.stack.mbuf.MbufTransfer} (moving packets
 * between workers); the JUnit 5 leak check ships in the stack's test jar.
 */
package smpnet.stack.mbuf;
