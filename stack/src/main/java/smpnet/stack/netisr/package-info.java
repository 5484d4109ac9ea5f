/**
 * How a host's netisr is configured: worker count and queue bound ({@link smpnet.stack.netisr.NetisrConfig}),
 * {@link smpnet.stack.netisr.DispatchPolicy} and {@link smpnet.stack.netisr.PlacementPolicy}. The engine
 * itself is in {@code smpnet.stack.internal.netisr}; DESIGN.md ("netisr") states the ordering each policy keeps.
 */
package smpnet.stack.netisr;
