/** Example applications on smpnet's sockets: a small HTTP/1.1 server ({@link smpnet.sim.apps.HttpServer}). */
package smpnet.sim.apps;
