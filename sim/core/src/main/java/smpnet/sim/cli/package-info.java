/** Command-line parsing for the smpnet tools: options, their defaults and the usage errors they report. */
package smpnet.sim.cli;
