/** Benchmarks of the event queue: what an event costs as the number of registered sockets grows. */
package smpnet.bench.kevent;
