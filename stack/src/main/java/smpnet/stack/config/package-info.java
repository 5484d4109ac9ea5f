/**
 * The settings records of a host that {@link smpnet.stack.StackConfig} carries: ARP timers and bounds
 * ({@link smpnet.stack.config.ArpConfig}) and reassembly limits ({@link smpnet.stack.config.ReassemblyLimits}).
 * A leaf package: the protocol layers read these without depending on the package that assembles a host.
 */
package smpnet.stack.config;
