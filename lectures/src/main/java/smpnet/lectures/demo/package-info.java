/**
 * The example programs of the lectures (run with {@code ./smpnet demo NAME}; {@code ./smpnet lectures}
 * pastes their real output into the notes). Each is short enough to read in the lecture that runs it.
 */
package smpnet.lectures.demo;
