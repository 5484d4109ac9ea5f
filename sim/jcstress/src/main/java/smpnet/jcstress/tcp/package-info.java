/**
 * JCStress tests of TCP's concurrency: a callout stopped under its lock while the softclock fires it, bare and
 * through the entry point of each locking mode (Giant, then the callout's lock).
 */
package smpnet.jcstress.tcp;
