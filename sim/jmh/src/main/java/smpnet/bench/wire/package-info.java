/** Benchmarks of the wire formats: the Internet checksum over a TCP segment, alone and with the copy before it. */
package smpnet.bench.wire;
