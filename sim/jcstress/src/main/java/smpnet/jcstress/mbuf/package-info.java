/** JCStress tests of smpnet's packet memory: shared external storage refcounts and the zone's per-CPU caches. */
package smpnet.jcstress.mbuf;
