package smpnet.stack.internal.tcp.cc;

/** An algorithm's per-connection state (FreeBSD's {@code ccv->cc_data}); guarded by the pcb lock. */
public interface CcState {}
