/**
 * The socket API of smpnet: {@link smpnet.stack.socket.UdpSocket} (bind, connect, send/sendTo,
 * receive/receiveFrom, close; blocking with timeouts or non-blocking; buffers with watermarks) on top of the
 * package's generic socket (buffers, sblocks, the wait loop, so_error, readiness), which TCP's socket will
 * share; and {@link smpnet.stack.socket.Ping}, a raw ICMP echo session.
 */
package smpnet.stack.socket;
