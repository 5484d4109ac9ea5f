/** JCStress tests of the witness order graph: concurrent learning must never lose an edge or a reversal. */
package smpnet.jcstress.witness;
