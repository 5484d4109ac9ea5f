package smpnet.stack.internal.net;

import smpnet.stack.mbuf.Mbuf;
import smpnet.stack.net.Ifnet;

/**
 * What an interface calls with each received frame: the Ethernet demux the protocol layer installs with
 * {@link Ifnet#setInputHandler}. Called from the interface's interrupt thread with no lock held (Giant in
 * giant-over-fine mode); the handler owns the frame from then on.
 */
@FunctionalInterface
public interface IfInputHandler {
    void input(Ifnet ifp, Mbuf frame);
}
