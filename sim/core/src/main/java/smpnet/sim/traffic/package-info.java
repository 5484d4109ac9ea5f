/**
 * Traffic generators that feed a simulated NIC's RX rings in place of a wire, in the manner of netmap's
 * pkt-gen: {@link smpnet.sim.traffic.UdpFlowGenerator}.
 */
package smpnet.sim.traffic;
