/** The routing table: longest-prefix match under a read-mostly lock, each route with its own lock. */
package smpnet.stack.internal.route;
