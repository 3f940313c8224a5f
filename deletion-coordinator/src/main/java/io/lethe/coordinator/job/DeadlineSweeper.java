package io.lethe.coordinator.job;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Fires the participants' deadlines: on one thread, every check interval, it times out the due jobs in batches until
 * none is left. The timers live only in the database ({@code deletion_job.deadline_at}); each batch locks its jobs and
 * skips the ones other transactions hold. So several coordinators sweep side by side without firing a deadline twice,
 * and a coordinator that restarts, or a coordinator that is gone while another runs, loses no timer.
 */
public class DeadlineSweeper implements SmartLifecycle {

    /** Jobs per transaction: bounds how long a sweep holds its locks and how many statuses one rollback repeats. */
    static final int BATCH_SIZE = 50;

    private static final Logger log = LoggerFactory.getLogger(DeadlineSweeper.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private final IntUnaryOperator timeOutDue;
    private final Duration interval;
    private ScheduledExecutorService timer;

    /**
     * @param timeOutDue times out up to the given number of due jobs in one transaction and says how many it took, as
     *     {@link DeletionJobService#timeOutDue} does
     * @param interval the pause between the end of one sweep and the start of the next
     */
    public DeadlineSweeper(IntUnaryOperator timeOutDue, Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the deadline check interval must be positive, not " + interval);
        }
        this.timeOutDue = timeOutDue;
        this.interval = interval;
    }

    /** Times out every due job: batch after batch while a batch comes back full, as more may be waiting. */
    public void sweep() {
        int taken;
        do {
            taken = timeOutDue.applyAsInt(BATCH_SIZE);
        } while (taken == BATCH_SIZE);
    }

    @Override
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "lethe-deadline-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(this::sweepLoggingFailures, millis, millis, TimeUnit.MILLISECONDS);
        log.info("checking participant deadlines every {}", interval);
    }

    @Override
    public synchronized void stop() {
        if (timer == null) {
            return;
        }
        timer.shutdown();
        try {
            if (!timer.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        timer = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    private void sweepLoggingFailures() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // The batch rolled back, so its jobs are still due: the next sweep takes them again. An exception that
            // escaped would cancel the schedule for good.
            log.warn("participant deadline check failed, trying again in {}: {}", interval, e.toString());
        }
    }
}
