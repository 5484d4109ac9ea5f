/** JCStress tests of zero-copy support: the write-barrier dirty tracker's per-thread marks. */
package smpnet.jcstress.zerocopy;
