/** Probes a tracer installs to follow packets along the receive path (off, and nearly free, by default). */
package smpnet.stack.internal.trace;
