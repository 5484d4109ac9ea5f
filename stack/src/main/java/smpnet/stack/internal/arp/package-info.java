/** ARP (RFC 826): the per-interface cache with expiry, hold queue and request rate limit. */
package smpnet.stack.internal.arp;
