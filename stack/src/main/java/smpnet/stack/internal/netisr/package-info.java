/**
 * netisr: the hand-off between a NIC's interrupt threads and protocol input. Protocols register a
 * {@link smpnet.stack.internal.netisr.NetisrHandler} per {@link smpnet.stack.internal.netisr.NetisrProtocol};
 * drivers and protocols {@link smpnet.stack.internal.netisr.Netisr#dispatch dispatch} packets, which run at
 * once (direct), go to a worker's bounded queue (deferred) or either (hybrid), on the worker the placement
 * policy chooses (source, flow, cpu).
 */
package smpnet.stack.internal.netisr;
