/** Per-protocol counters of a host, in the manner of {@code netstat -s}. */
package smpnet.stack.stats;
