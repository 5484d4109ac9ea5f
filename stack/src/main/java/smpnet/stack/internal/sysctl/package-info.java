/** The per-host sysctl registry: settings readable and writable by their FreeBSD names while a host runs. */
package smpnet.stack.internal.sysctl;
