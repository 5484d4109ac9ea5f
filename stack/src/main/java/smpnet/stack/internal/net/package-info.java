/** What interfaces and drivers share: per-queue counters, pcap capture. */
package smpnet.stack.internal.net;
