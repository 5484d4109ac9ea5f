/** Ethernet II framing of the stack, and the {@link smpnet.stack.ether.EtherLink} the protocols send through. */
package smpnet.stack.ether;
