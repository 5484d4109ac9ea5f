/**
 * The stack's internals: protocol layers, netisr, header views, lock order. Nothing here is part of the
 * public surface README.md lists; it may change without notice.
 */
package smpnet.stack.internal;
