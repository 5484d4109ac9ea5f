/** Ethernet II framing of the stack, and the {@link smpnet.stack.ether.Link} the protocols send through. */
package smpnet.stack.ether;
