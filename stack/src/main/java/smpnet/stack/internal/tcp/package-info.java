/**
 * TCP (RFC 9293), modeled on FreeBSD 14's: what it does by default, its sysctl knobs, its wire layouts and
 * its locking.
 *
 * <p>The pieces every other part of TCP builds on:
 * <ul>
 *   <li>{@link smpnet.stack.internal.tcp.TcpSeq}: sequence-number comparisons modulo 2^32 (sequence numbers
 *       are Java ints holding the 32 bits);</li>
 *   <li>{@link smpnet.stack.internal.tcp.TcpOptions}: the options parser (FreeBSD's tcp_dooptions: never
 *       throws; a bad length stops the walk and is flagged for the caller to count) and FreeBSD's output
 *       layouts (tcp_addoptions), byte for byte; the header itself is
 *       {@link smpnet.stack.internal.wire.TcpHeader};</li>
 *   <li>{@link smpnet.stack.internal.tcp.RttEstimator}: the retransmission timeout (RFC 6298's estimate plus
 *       FreeBSD's rexmit_min, rexmit_slop and backoff table);</li>
 *   <li>{@link smpnet.stack.internal.tcp.IsnGenerator} (RFC 6528) and
 *       {@link smpnet.stack.internal.tcp.SynCookies} (FreeBSD 14's cookie layout), both keyed with
 *       {@link smpnet.stack.internal.tcp.SipHash};</li>
 *   <li>{@link smpnet.stack.internal.tcp.CalloutWheel} and {@link smpnet.stack.internal.tcp.Callout}:
 *       FreeBSD's callout(9), per-CPU wheels on the scheduler's clock, so TCP's timers run in virtual time in
 *       deterministic runs.</li>
 * </ul>
 *
 * <p>Locking: a connection's state and its timers are guarded by its pcb lock ({@code inp}; Giant in Giant
 * mode). Each timer is a {@code Callout} created with that lock: its handler runs holding it, and
 * {@code Callout.stop()} called holding it is final (the handler will not run afterwards, even if it had
 * fired and was waiting for the lock), which is what lets a connection be closed while its timers fire.
 * The wheels' own locks ({@code callout}) are leaves, taken inside {@code inp}. The value classes here
 * ({@code TcpOptions}, {@code SipHash}, {@code IsnGenerator}, {@code SynCookies}) are immutable or
 * stateless; {@code RttEstimator} belongs to one connection, under its pcb lock.
 */
package smpnet.stack.internal.tcp;
