/**
 * Simulated hardware: the multi-queue {@link smpnet.stack.dev.SimNic} with RSS
 * ({@link smpnet.stack.dev.RssHash}), its RX and TX rings with one interrupt or transmit thread each, the
 * loopback device {@link smpnet.stack.dev.Loopback}, {@link smpnet.stack.dev.Wire}s between two NICs, and
 * what a NIC needs to generate load in place of a wire ({@link smpnet.stack.dev.RxGenerator}).
 */
package smpnet.stack.dev;
