/** Ethernet II framing of the stack, and the {@link smpnet.stack.internal.ether.EtherLink} the protocols send through. */
package smpnet.stack.internal.ether;
