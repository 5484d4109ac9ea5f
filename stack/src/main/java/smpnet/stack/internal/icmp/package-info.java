/** ICMP: echo, the errors IP and the transports report, and the echo sessions of {@code socket.Ping}. */
package smpnet.stack.internal.icmp;
