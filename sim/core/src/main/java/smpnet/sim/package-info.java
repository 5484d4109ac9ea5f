/** The smpnet command line: the main job (the Giant-versus-fine comparison) and the other experiments. */
package smpnet.sim;
