package io.lethe.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * README command one: starts the local stack, deletes one tenant and proves it, then exits 0 (or 1 with the reason).
 *
 * <p>Options: {@code --keep-running} keeps the stack up afterwards and prints the addresses to try it with curl, kcat
 * and psql (Ctrl-C stops it); {@code --tenant=<id>} (default {@code acme}); {@code --scale=<n>} (default 200, about
 * the number of customers, invoices and users per tenant); {@code --verbose} shows the services' INFO logs.
 */
public final class LocalStackDemo {

    private LocalStackDemo() {}

    public static void main(String[] args) {
        boolean keepRunning = false;
        boolean verbose = false;
        String tenant = "acme";
        int scale = 200;
        for (String arg : args) {
            if (arg.startsWith("--tenant=") && TenantDeletionDemo.OTHER_TENANTS.contains(arg.substring(9))) {
                System.err.println(
                        "--tenant must not be one of the tenants the demo keeps: " + TenantDeletionDemo.OTHER_TENANTS);
                System.exit(2);
            }
            if (arg.equals("--keep-running")) {
                keepRunning = true;
            } else if (arg.equals("--verbose")) {
                verbose = true;
            } else if (arg.startsWith("--tenant=")) {
                tenant = arg.substring("--tenant=".length());
            } else if (arg.startsWith("--scale=")) {
                scale = parseScale(arg.substring("--scale=".length()));
            } else {
                System.err.println(
                        "unknown option " + arg + "; options: --keep-running --tenant=<id> --scale=<n> --verbose");
                System.exit(2);
            }
        }
        System.exit(run(tenant, scale, keepRunning, verbose));
    }

    private static int parseScale(String value) {
        try {
            int scale = Integer.parseInt(value);
            if (scale >= 1 && scale <= 100_000) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        System.err.println("--scale must be a whole number from 1 to 100000, not '" + value + "'");
        System.exit(2);
        return 0;
    }

    static int run(String tenant, int scale, boolean keepRunning, boolean verbose) {
        long started = System.nanoTime();
        System.out.println("Starting Kafka (KRaft), PostgreSQL, the coordinator and three participants...");
        List<String> logging = new ArrayList<>(
                List.of("--logging.level.root=WARN", "--logging.level.io.lethe=" + (verbose ? "INFO" : "WARN")));
        LocalStack stack;
        try {
            stack = LocalStack.start(logging);
        } catch (RuntimeException e) {
            System.out.printf("%nFAILED: the stack did not start: %s%n", e.getMessage());
            return 1;
        }
        Thread stopper = new Thread(stack::close, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        System.out.printf("Stack up in %.1f s%n", (System.nanoTime() - started) / 1e9);

        TenantDeletionDemo.Result result = demo(stack, tenant, scale);
        if (result.succeeded()) {
            System.out.printf(
                    "%nVERIFIED: tenant %s has 0 rows in every service and no invoice document after preview,"
                            + " approval, soft delete, retention and hard delete; tenants %s and %s (soft-deleted,"
                            + " then restored) are byte-for-byte unchanged (per-table and per-file checksums);"
                            + " reported counts match the seeded rows and files.%n",
                    tenant, TenantDeletionDemo.OTHER_TENANTS, TenantDeletionDemo.RESTORED_TENANT);
        } else {
            System.out.printf("%nFAILED:%n");
            result.problems().forEach(p -> System.out.println("  - " + p));
        }
        System.out.printf("Demo took %.1f s%n", (System.nanoTime() - started) / 1e9);
        if (keepRunning) {
            printAddresses(stack);
            awaitInterrupt();
        } else {
            // Stopped here, in order, rather than by the hook while the JVM is already exiting.
            Runtime.getRuntime().removeShutdownHook(stopper);
            stack.close();
        }
        return result.succeeded() ? 0 : 1;
    }

    /** Any error becomes a failed result: the demo must end with a reason and exit 1, never hang or only throw. */
    private static TenantDeletionDemo.Result demo(LocalStack stack, String tenant, int scale) {
        try {
            return new TenantDeletionDemo(stack, System.out).run(tenant, scale, Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            return new TenantDeletionDemo.Result(
                    null, null, 0, List.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private static void printAddresses(LocalStack stack) {
        System.out.printf("%nThe stack keeps running (Ctrl-C stops it):%n");
        System.out.printf("  Kafka bootstrap   %s%n", stack.bootstrapServers());
        System.out.printf("  Coordinator REST  %s/api/v1/deletion-jobs%n", stack.coordinatorUrl());
        System.out.printf("  Coordinator JDBC  %s%n", stack.coordinatorJdbcUrl());
        for (ParticipantService service : ParticipantService.values()) {
            System.out.printf(
                    "  %-17s %s/lethe/plan  %s%n",
                    service.participantName(), stack.participantUrl(service), stack.jdbcUrl(service.database()));
        }
        System.out.println("  Users (static tokens of this stack, never for production):");
        for (LocalUser user : LocalUser.values()) {
            System.out.printf(
                    "    %-14s %-10s Authorization: Bearer %s%n", user.principal(), user.roles(), user.token());
        }
        System.out.printf(
                "Try: curl -s -XPOST %s/api/v1/deletion-jobs -H 'Authorization: Bearer %s'"
                        + " -H 'Content-Type: application/json' -d '{\"tenantId\":\"globex\",\"reason\":\"try it\","
                        + "\"retention\":\"PT2M\"}'%n",
                stack.coordinatorUrl(), LocalUser.ALICE.token());
        System.out.printf(
                "     curl -s -XPOST %s/api/v1/deletion-jobs/<jobId>/approve -H 'Authorization: Bearer %s'"
                        + " -H 'Content-Type: application/json' -d '{\"comment\":\"checked\"}'%n",
                stack.coordinatorUrl(), LocalUser.BOB.token());
        System.out.printf("     kcat -b %s -C -t lethe.job-status.v1 -K: -e%n", stack.bootstrapServers());
    }

    private static void awaitInterrupt() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
