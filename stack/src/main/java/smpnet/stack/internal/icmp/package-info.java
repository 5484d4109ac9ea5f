/** ICMP: echo, the errors IP and the transports report, and a small ping. */
package smpnet.stack.internal.icmp;
