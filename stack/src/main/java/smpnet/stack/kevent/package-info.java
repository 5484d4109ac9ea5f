/** A kqueue-like event object: interest in many sockets, level- or edge-triggered, one wait. */
package smpnet.stack.kevent;
