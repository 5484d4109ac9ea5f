/**
 * The socket API of smpnet: {@link smpnet.stack.socket.UdpSocket} (bind, connect, send/sendTo,
 * receive/receiveFrom, close; blocking with timeouts or non-blocking; buffers with watermarks).
 */
package smpnet.stack.socket;
