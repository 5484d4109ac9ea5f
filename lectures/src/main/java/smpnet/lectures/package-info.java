/**
 * The course's tooling: the {@code ./smpnet grade|lectures|demo} commands ({@link smpnet.lectures.Main}),
 * the check that the notes' names still exist ({@link smpnet.lectures.References}) and the script that
 * regenerates their examples ({@link smpnet.lectures.Examples}).
 */
package smpnet.lectures;
