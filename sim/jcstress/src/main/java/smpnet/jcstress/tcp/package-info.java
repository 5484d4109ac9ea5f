/** JCStress tests of TCP's concurrency: a callout stopped under its lock while the softclock fires it. */
package smpnet.jcstress.tcp;
