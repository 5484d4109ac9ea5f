/** IPv4: input (validation, reassembly, local delivery or forwarding), output (routing, fragmentation). */
package smpnet.stack.internal.ip;
