/** Per-CPU counters ({@code counter(9)}), the storage under the protocols' statistics. */
package smpnet.stack.internal.stats;
