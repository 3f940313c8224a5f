package io.lethe.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;

/** Runs {@code lethe} in-process through its picocli entry point and keeps what it wrote to stdout and stderr. */
final class CliRun {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exitCode;

    private CliRun(CompletableFuture<Integer> exitCode) {
        this.exitCode = exitCode;
    }

    /** Runs the command to its end. */
    static CliRun run(String... args) {
        var future = new CompletableFuture<Integer>();
        var run = new CliRun(future);
        future.complete(LetheCli.execute(new PrintWriter(run.out, true), new PrintWriter(run.err, true), args));
        return run;
    }

    /** Starts the command on another thread, for commands that follow a topic. */
    static CliRun start(String... args) {
        var future = new CompletableFuture<Integer>();
        var run = new CliRun(future);
        var thread = new Thread(
                () -> {
                    try {
                        future.complete(
                                LetheCli.execute(new PrintWriter(run.out, true), new PrintWriter(run.err, true), args));
                    } catch (RuntimeException | Error e) {
                        future.completeExceptionally(e);
                    }
                },
                "lethe-cli-test");
        thread.setDaemon(true);
        thread.start();
        return run;
    }

    /** What was written to stdout so far (StringWriter is synchronized, so this may be read while it runs). */
    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    boolean done() {
        return exitCode.isDone();
    }

    int exitCode() {
        return exitCode.join();
    }

    @Override
    public String toString() {
        return "exit " + (done() ? exitCode() : "(running)") + "\n--- stdout\n" + out() + "--- stderr\n" + err();
    }
}
