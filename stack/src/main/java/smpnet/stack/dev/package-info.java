/**
 * Simulated hardware: the multi-queue {@link smpnet.stack.dev.SimNic} with RSS
 * ({@link smpnet.stack.dev.RssHash}), its RX and TX rings with one interrupt or transmit thread each, the
 * loopback device {@link smpnet.stack.dev.Loopback}, {@link smpnet.stack.dev.Wire}s between two NICs, and
 * {@link smpnet.stack.dev.ImpairedLink}s that delay, limit, lose, reorder, duplicate and corrupt what they
 * carry (configured by {@link smpnet.stack.dev.ImpairedLink.Impairments}), and what a NIC needs to generate load in place
 * of a wire ({@link smpnet.stack.dev.RxGenerator}).
 */
package smpnet.stack.dev;
