package smpnet.stack.socket;

import java.io.IOException;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import smpnet.locking.FreeScheduler;
import smpnet.stack.locks.LockMode;
import smpnet.stack.internal.sysctl.Sysctl;
import smpnet.stack.kevent.Pollable;
import smpnet.stack.locks.StackLocks;
import smpnet.witness.testing.TestSettings;

/**
 * A socket's event-queue watchers (one field: none, one watcher, or an array replaced whole by a
 * compare-and-set) are linearizable: queues registering and leaving a socket at once, while the stack
 * notifies it, lose no registration and no removal, and a notification reaches exactly the watchers some
 * order of the calls would have held, in the order they came, against the same socket run sequentially.
 * Model checking explores the interleavings of the compare-and-set retry loops (a plain write in their place
 * loses an update). {@code -Dsmpnet.lincheck=long} runs a larger search.
 */
@Param(name = "w", gen = IntGen.class, conf = "0:2")
public class SocketWatchersLincheckTest {
    private static final boolean LONG = TestSettings.LINCHECK_LONG;
    private static final StackLocks LOCKS = new StackLocks(LockMode.FINE);
    private static final Sysctl.Value MAX_SOCK_BUF =
            new Sysctl().addValue("kern.ipc.maxsockbuf", "test", 1, 1 << 30, 2 << 20);

    private final Socket socket = new Socket(LOCKS, FreeScheduler.INSTANCE, 1024, 1024, MAX_SOCK_BUF) {
        @Override
        IOException errorException(int errno) {
            return new IOException("errno " + errno);
        }

        @Override
        public void close() {}
    };
    private final StringBuilder heard = new StringBuilder();
    private final Pollable.Watcher[] watchers = new Pollable.Watcher[3];

    public SocketWatchersLincheckTest() {
        for (int i = 0; i < watchers.length; i++) {
            char name = (char) ('a' + i);
            watchers[i] = () -> heard.append(name);
        }
    }

    /** Event queue {@code w} registers the socket. */
    @Operation
    public void add(@Param(name = "w") int w) {
        socket.addWatcher(watchers[w]);
    }

    /** Event queue {@code w} leaves the socket (one registration of it, if any). */
    @Operation
    public void remove(@Param(name = "w") int w) {
        socket.removeWatcher(watchers[w]);
    }

    /**
     * The socket's readiness changed: the watchers called, in order. Notifications are serialised among
     * themselves (they share {@code heard}), not with the registrations, whose interleavings are the point.
     */
    @Operation
    public synchronized String notifyWatchers() {
        heard.setLength(0);
        socket.notifyWatchers();
        return heard.toString();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(LONG ? 100 : 8).invocationsPerIteration(LONG ? 5000 : 40)
                .threads(2).actorsPerThread(3).actorsBefore(1).actorsAfter(1).check(getClass());
    }
}
