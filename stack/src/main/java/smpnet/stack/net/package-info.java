/**
 * The interface layer (FreeBSD's {@code net/if.c}): {@link smpnet.stack.internal.net.Ifnet} (name, index, MTU, MAC,
 * per-queue counters, capture), {@link smpnet.stack.net.MacAddress}, {@link smpnet.stack.net.IfCounters} and
 * {@link smpnet.stack.net.IfAddress}. The simulated hardware under it is in {@link smpnet.stack.dev}.
 */
package smpnet.stack.net;
