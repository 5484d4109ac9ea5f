/**
 * smpnet's network stack. {@link smpnet.stack.Stack} is one simulated host, built from a
 * {@link smpnet.stack.StackConfig}; applications use {@link smpnet.stack.socket.UdpSocket},
 * {@link smpnet.stack.kevent.EventQueue} and {@link smpnet.stack.socket.Ping} through it. README.md lists
 * the public surface; everything under {@code smpnet.stack.internal} is the stack's own.
 */
package smpnet.stack;
