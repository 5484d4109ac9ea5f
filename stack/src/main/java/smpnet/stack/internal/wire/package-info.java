/**
 * Wire formats as checked views over bytes: each header class validates its region once in its
 * constructor (throwing a shared, stackless {@link smpnet.stack.internal.wire.MalformedPacketException} whose
 * reason the protocol counts as a drop) and then offers plain big-endian reads. Also the Internet checksum.
 * These classes are the stack's internals; applications use the socket API.
 */
package smpnet.stack.internal.wire;
