/**
 * Network interfaces and their simulated hardware: {@link smpnet.stack.net.Ifnet} (name, MTU, MAC,
 * addresses, counters, the input handler the Ethernet layer installs), the multi-queue
 * {@link smpnet.stack.net.SimNic} with RSS ({@link smpnet.stack.net.RssHash}) and one interrupt thread per
 * RX queue, {@link smpnet.stack.net.Loopback}, {@link smpnet.stack.net.Wire}s between two NICs, and
 * {@link smpnet.stack.net.PcapWriter} capture that tshark reads.
 */
package smpnet.stack.net;
