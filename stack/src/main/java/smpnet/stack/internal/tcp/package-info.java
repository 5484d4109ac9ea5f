/**
 * TCP (RFC 9293), modeled on FreeBSD 14's.
 */
package smpnet.stack.internal.tcp;
