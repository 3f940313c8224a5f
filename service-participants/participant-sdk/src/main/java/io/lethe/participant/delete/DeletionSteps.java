package io.lethe.participant.delete;

import io.lethe.participant.plan.PlannedTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A participant's {@link DeletionStep}s, split by position, with the names they are reported and counted under:
 * {@code step:<name>}. A planned table's reported name is schema-qualified and so always holds a dot, which a step's
 * name cannot: the two never clash.
 */
final class DeletionSteps {

    /** What a step's reported name starts with. */
    static final String PREFIX = "step:";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private static final DeletionSteps NONE = new DeletionSteps(List.of(), List.of());

    private final List<DeletionStep> before;
    private final List<DeletionStep> after;

    private DeletionSteps(List<DeletionStep> before, List<DeletionStep> after) {
        this.before = List.copyOf(before);
        this.after = List.copyOf(after);
    }

    static DeletionSteps none() {
        return NONE;
    }

    /**
     * @param steps the steps, in the order they run within their position
     * @throws IllegalArgumentException if a name is malformed or used twice, or a position is missing
     */
    static DeletionSteps of(List<DeletionStep> steps) {
        List<DeletionStep> before = new ArrayList<>();
        List<DeletionStep> after = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DeletionStep step : steps) {
            Objects.requireNonNull(step, "step");
            String name = step.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "deletion step " + step.getClass().getName() + ": name '" + name
                                + "' must be 1 to 63 lower-case letters, digits and '-'");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("two deletion steps are named " + name);
            }
            switch (Objects.requireNonNull(step.position(), "position of step " + name)) {
                case BEFORE_TABLES -> before.add(step);
                case AFTER_TABLES -> after.add(step);
            }
        }
        return new DeletionSteps(before, after);
    }

    List<DeletionStep> before() {
        return before;
    }

    List<DeletionStep> after() {
        return after;
    }

    List<DeletionStep> all() {
        return Stream.concat(before.stream(), after.stream()).toList();
    }

    /** {@return the reported names of the steps and tables, in the order they run} */
    List<String> names(List<PlannedTable> tables) {
        return Stream.of(
                        before.stream().map(DeletionSteps::reportedName),
                        tables.stream().map(table -> table.table().qualified()),
                        after.stream().map(DeletionSteps::reportedName))
                .flatMap(names -> names)
                .toList();
    }

    static String reportedName(DeletionStep step) {
        return PREFIX + step.name();
    }

    /**
     * The counts of the task's items: the steps before the tables, the tables' results, then the steps after them.
     *
     * @param asRemaining whether the counts are what is left (VERIFY) or what a hard delete would delete (PREVIEW)
     * @throws StepException if a step could not count
     */
    List<TableResult> around(List<TableResult> tables, DeletionTask task, boolean asRemaining) throws StepException {
        List<TableResult> all = new ArrayList<>();
        for (DeletionStep step : before) {
            all.add(counted(step, task, asRemaining));
        }
        all.addAll(tables);
        for (DeletionStep step : after) {
            all.add(counted(step, task, asRemaining));
        }
        return all;
    }

    private static TableResult counted(DeletionStep step, DeletionTask task, boolean asRemaining) throws StepException {
        long count = call(step, "count", () -> step.count(task));
        return asRemaining
                ? new TableResult(reportedName(step), 0, count)
                : new TableResult(reportedName(step), count, 0);
    }

    /** One call of a step. */
    @FunctionalInterface
    interface Call {
        long run() throws Exception;
    }

    /**
     * Runs a step's call.
     *
     * @throws StepException if it threw, or returned a negative count
     */
    static long call(DeletionStep step, String what, Call call) throws StepException {
        long count;
        try {
            count = call.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepException(step, what, e);
        } catch (Exception e) {
            throw new StepException(step, what, e);
        }
        if (count < 0) {
            throw new StepException(step, what, new IllegalStateException("returned a negative count " + count));
        }
        return count;
    }

    /** A step's call failed; what the step did before stays done. */
    static final class StepException extends Exception {

        private static final long serialVersionUID = 1L;

        private final transient DeletionStep step;
        private final String what;

        StepException(DeletionStep step, String what, Exception cause) {
            super(cause);
            this.step = step;
            this.what = what;
        }

        /** The retryable failure it becomes: the next delivery calls the step again. */
        DeletionResult.Failed failed(DeletionTask task, Instant at) {
            Throwable cause = getCause();
            String detail = cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage());
            return new DeletionResult.Failed(
                    task.jobId(),
                    task.tenantId(),
                    task.attempt(),
                    DeletionResult.Failed.STEP_FAILED,
                    "job %s tenant %s: step %s failed in %s (%s%s)"
                            .formatted(
                                    task.jobId(),
                                    task.tenantId(),
                                    step.name(),
                                    what,
                                    cause.getClass().getSimpleName(),
                                    detail),
                    reportedName(step),
                    true,
                    at);
        }

        private static String firstLine(String message) {
            int end = message.indexOf('\n');
            String line = end < 0 ? message : message.substring(0, end);
            return line.length() > 300 ? line.substring(0, 300) + "..." : line;
        }
    }
}
