/**
 * WITNESS for Java: a runtime lock-order verifier. Locks report acquire, release and block events to
 * {@link smpnet.witness.Witness}; it learns the order between lock classes and reports reversals (before any
 * deadlock happens) and misuse, in a stable text format and as JSON. See the module README.
 */
package smpnet.witness;
