/**
 * TCP congestion control behind one interface, FreeBSD's modular {@code cc(4)} framework: {@link
 * smpnet.stack.internal.tcp.cc.CcAlgorithm} with NewReno and CUBIC, chosen by {@code net.inet.tcp.cc.algorithm}.
 */
package smpnet.stack.internal.tcp.cc;
