package smpnet.sim.packetdrill;

import java.net.InetSocketAddress;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.socket.Errno;
import smpnet.stack.socket.SockOpt;
import smpnet.stack.socket.SocketError;
import smpnet.stack.socket.TcpInfo;

/**
 * A TCP socket as the script's system calls use it: the calls of {@link smpnet.stack.socket.TcpSocket}, so
 * that an smpnet socket ({@link SmpnetTarget}) and a test's fake serve alike.
 */
interface ScriptSocket extends Pollable {
    void configureBlocking(boolean block);

    void bind(InetSocketAddress local) throws SocketError;

    void listen(int backlog) throws SocketError;

    ScriptSocket accept() throws SocketError;

    void connect(InetSocketAddress remote) throws SocketError;

    int write(byte[] b, int off, int len) throws SocketError;

    /** As {@link smpnet.stack.socket.TcpSocket#sendTo}: a write with an implied connect. */
    default int sendTo(InetSocketAddress remote, byte[] b, int off, int len) throws SocketError {
        throw new SocketError(Errno.EOPNOTSUPP, "sendto with an implied connect");
    }

    /** As {@link smpnet.stack.socket.TcpSocket#read}: -1 at end of stream. */
    int read(byte[] b, int off, int len) throws SocketError;

    /** As {@link smpnet.stack.socket.TcpSocket#peek}: the bytes stay in the buffer; -1 at end of stream. */
    default int peek(byte[] b, int off, int len) throws SocketError {
        throw new SocketError(smpnet.stack.socket.Errno.EOPNOTSUPP, "peek");
    }

    void shutdown(boolean read, boolean write) throws SocketError;

    void close();

    void setOption(SockOpt option, int value) throws SocketError;

    int getOption(SockOpt option) throws SocketError;

    TcpInfo info();

    /** As {@link smpnet.stack.socket.TcpSocket#sendUrgent}; a target without urgent data refuses it. */
    default void sendUrgent(byte b) throws SocketError { throw new SocketError(Errno.EOPNOTSUPP, "urgent data"); }

    /** As {@link smpnet.stack.socket.TcpSocket#readUrgent}. */
    default int readUrgent() throws SocketError { throw new SocketError(Errno.EOPNOTSUPP, "urgent data"); }

    /** As {@link smpnet.stack.socket.TcpSocket#atMark}. */
    default boolean atMark() throws SocketError { throw new SocketError(Errno.EOPNOTSUPP, "urgent data"); }
}
