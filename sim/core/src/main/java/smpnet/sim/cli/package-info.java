/**
 * The smpnet command line, built with picocli: {@link smpnet.sim.cli.SmpnetCommand} and one class per command,
 * their options, defaults, help texts and the usage errors they report.
 */
package smpnet.sim.cli;
