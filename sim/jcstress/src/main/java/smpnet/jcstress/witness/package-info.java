/**
 * JCStress tests of witness: concurrent learning in the order graph must never lose an edge or a reversal, and
 * the hints locks share between threads must never let one thread's fast path touch another's held stack.
 */
package smpnet.jcstress.witness;
