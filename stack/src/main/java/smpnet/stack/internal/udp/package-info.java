/** UDP: pcb hash tables, input with checksum and demultiplexing, output, port unreachable. */
package smpnet.stack.internal.udp;
