package smpnet.sim.cli;

/** A command whose help ends with text computed at run time (defaults, the scenarios it knows). */
interface HelpFooter {
    /** The lines after the options in the command's help. */
    String[] footer();
}
