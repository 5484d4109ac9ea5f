/** Traces of runs in the Chrome trace-event format: thread tracks, lock holds, packet flows, counters. */
package smpnet.sim.trace;
