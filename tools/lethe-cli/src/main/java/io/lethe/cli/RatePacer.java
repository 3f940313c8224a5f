package io.lethe.cli;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Spaces sends evenly so that no more than the rate go out per second; the first one goes at once. */
final class RatePacer {

    /** Waits; a seam for tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private boolean started;
    private long next;

    RatePacer(double perSecond) {
        this(perSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    RatePacer(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException(
                    "the rate must be a positive number of records per second, not " + perSecond);
        }
        this.intervalNanos = Math.max(1, Math.round(1_000_000_000d / perSecond));
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** Returns when the next send may go. */
    void awaitTurn() throws InterruptedException {
        long now = nanoTime.getAsLong();
        if (started && now - next < 0) {
            sleeper.sleep(next - now);
            now = next;
        }
        started = true;
        // From the time this send goes, not from the plan: a slow acknowledgement is not made up by a burst after it.
        next = now + intervalNanos;
    }
}
