package smpnet.witness.adapters;

import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import smpnet.witness.SleepKind;
import smpnet.witness.Witness;

/**
 * A Condition of a witness-checked lock: every wait tells witness the thread sleeps, releasing that lock
 * (its interlock), so holding any other mutex across the wait is reported.
 */
final class WitnessCondition implements Condition {
    private final Witness witness;
    private final Object interlock;
    private final Condition delegate;

    WitnessCondition(Witness witness, Object interlock, Condition delegate) {
        this.witness = witness;
        this.interlock = interlock;
        this.delegate = delegate;
    }

    private void sleeping() {
        witness.sleeping(SleepKind.CV_WAIT, interlock);
    }

    @Override
    public void await() throws InterruptedException {
        sleeping();
        delegate.await();
    }

    @Override
    public void awaitUninterruptibly() {
        sleeping();
        delegate.awaitUninterruptibly();
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        sleeping();
        return delegate.awaitNanos(nanosTimeout);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        sleeping();
        return delegate.await(time, unit);
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        sleeping();
        return delegate.awaitUntil(deadline);
    }

    @Override
    public void signal() { delegate.signal(); }

    @Override
    public void signalAll() { delegate.signalAll(); }
}
