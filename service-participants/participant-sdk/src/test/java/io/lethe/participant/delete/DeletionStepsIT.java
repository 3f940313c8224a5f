package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.participant.plan.DeletionPlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deletion steps outside the database on the shop schema, with real files: a step before the tables and one after
 * them run in that order in every phase, are counted and verified like tables, and a failing step fails the phase
 * and is resumed by the next delivery.
 */
class DeletionStepsIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    @TempDir
    Path root;

    private ShopDatabase shop;
    private DeletionPlan plan;
    private FileStep index;
    private FileStep documents;

    @BeforeEach
    void createShopAndFiles() throws Exception {
        shop = ShopDatabase.create(postgres);
        shop.execute("alter table customers add column deleted_at timestamptz");
        plan = shop.plan();
        index = new FileStep("search-index", DeletionStep.Position.BEFORE_TABLES, root.resolve("index"), shop);
        documents = new FileStep("documents", DeletionStep.Position.AFTER_TABLES, root.resolve("documents"), shop);
        index.write(TENANT_A, 3);
        index.write(TENANT_B, 2);
        documents.write(TENANT_A, 5);
        documents.write(TENANT_B, 4);
    }

    @Test
    void aPreviewCountsEachStepsItemsAroundTheTablesAndChangesNothing() throws Exception {
        Map<String, String> before = files();

        DeletionResult preview = deleter().preview(task("job-1"));

        assertThat(preview).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            List<TableResult> tables = completed.tables();
            assertThat(tables.get(0)).isEqualTo(new TableResult("step:search-index", 3, 0));
            assertThat(tables.get(tables.size() - 1)).isEqualTo(new TableResult("step:documents", 5, 0));
            assertThat(tables.subList(1, tables.size() - 1))
                    .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED);
        });
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void theHardDeleteRunsTheStepBeforeTheTablesFirstAndTheOneAfterThemLastAndVerifiesBoth() throws Exception {
        DeletionResult deleted = deleter().delete(task("job-1"));

        assertThat(deleted).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            assertThat(completed.tables().get(0)).isEqualTo(new TableResult("step:search-index", 3, 0));
            assertThat(completed.tables().get(completed.tables().size() - 1))
                    .isEqualTo(new TableResult("step:documents", 5, 0));
            assertThat(completed.rowsRemaining()).isZero();
        });
        assertThat(index.tenantRowsSeenByDelete)
                .as("the index step ran before any row was deleted")
                .containsExactly(TenantDeleterIT.TENANT_A_DELETED.stream()
                        .mapToLong(TableResult::rowsDeleted)
                        .sum());
        assertThat(documents.tenantRowsSeenByDelete)
                .as("the documents step ran after every table")
                .containsExactly(0L);
        assertThat(index.count(task("job-1"))).isZero();
        assertThat(documents.count(task("job-1"))).isZero();
        assertThat(files())
                .as("the other tenant's files")
                .containsOnlyKeys(
                        "documents/" + TENANT_B + "/0",
                        "documents/" + TENANT_B + "/1",
                        "documents/" + TENANT_B + "/2",
                        "documents/" + TENANT_B + "/3",
                        "index/" + TENANT_B + "/0",
                        "index/" + TENANT_B + "/1");
        assertThat(deleter().delete(task("job-1")))
                .as("a redelivery replays the recorded result, steps included")
                .isInstanceOfSatisfying(DeletionResult.Completed.class, replayed -> {
                    assertThat(replayed.replayed()).isTrue();
                    assertThat(replayed.tables()).isEqualTo(((DeletionResult.Completed) deleted).tables());
                });
        assertThat(documents.tenantRowsSeenByDelete).as("a replay runs no step").hasSize(1);
    }

    @Test
    void aFailingStepFailsThePhaseRetryablyAndTheNextDeliveryResumesWithExactCounts() throws Exception {
        documents.failuresLeft = 1;

        DeletionResult failed = deleter().delete(task("job-1"));

        assertThat(failed).isInstanceOfSatisfying(DeletionResult.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo(DeletionResult.Failed.STEP_FAILED);
            assertThat(f.retryable()).isTrue();
            assertThat(f.table()).isEqualTo("step:documents");
            assertThat(f.message()).contains("step documents failed in delete", "IOException", "disk unavailable");
        });
        assertThat(shop.rowsOf(TENANT_A))
                .as("the tables before the step stay deleted")
                .isZero();
        assertThat(documents.count(task("job-1"))).isEqualTo(5);

        DeletionResult resumed = deleter().delete(new DeletionTask("job-1", TENANT_A, 2));

        assertThat(resumed)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .contains(new TableResult("step:search-index", 3, 0), new TableResult("step:documents", 5, 0))
                        .containsAll(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(documents.count(task("job-1"))).isZero();
    }

    @Test
    void aStepThatLeavesItemsFailsTheVerification() throws Exception {
        documents.deletes = false;

        DeletionResult result = deleter().delete(task("job-1"));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo(DeletionResult.Failed.VERIFICATION_FAILED);
            assertThat(f.table()).isEqualTo("step:documents");
            assertThat(f.message()).contains("step:documents still has 5 items");
        });
    }

    @Test
    void aSoftDeleteHidesEachStepsItemsAndARestoreShowsThemAgain() throws Exception {
        Map<String, String> before = files();
        TenantSoftDeleter softDeleter = softDeleter();

        DeletionResult hidden = softDeleter.softDelete(task("job-1"), PreviewBound.unchecked());

        assertThat(hidden)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .startsWith(new TableResult("step:search-index", 3, 0))
                        .endsWith(new TableResult("step:documents", 5, 0)));
        assertThat(documents.visible(TENANT_A)).isZero();
        assertThat(documents.count(task("job-1")))
                .as("hidden items still count")
                .isEqualTo(5);

        DeletionResult restored = softDeleter.restore(task("job-1"));

        assertThat(restored).isInstanceOf(DeletionResult.Completed.class);
        assertThat(files()).as("every file back, byte for byte").isEqualTo(before);
    }

    @Test
    void stepsNeedUniqueWellFormedNames() {
        FileStep again = new FileStep("documents", DeletionStep.Position.BEFORE_TABLES, root, shop);
        FileStep upper = new FileStep("Documents", DeletionStep.Position.BEFORE_TABLES, root, shop);

        assertThatThrownBy(() -> new TenantDeleter(
                        shop.dataSource(),
                        plan,
                        Clock.systemUTC(),
                        DeletionSettings.defaults(),
                        OutcomeRecorder.NONE,
                        List.of(documents, again),
                        TablePolicies.none()))
                .hasMessageContaining("two deletion steps are named documents");
        assertThatThrownBy(() -> new TenantDeleter(
                        shop.dataSource(),
                        plan,
                        Clock.systemUTC(),
                        DeletionSettings.defaults(),
                        OutcomeRecorder.NONE,
                        List.of(upper),
                        TablePolicies.none()))
                .hasMessageContaining("'Documents'");
    }

    private TenantDeleter deleter() {
        return shop.deleter(plan, List.of(documents, index), TablePolicies.none());
    }

    private TenantSoftDeleter softDeleter() {
        deleter();
        return new TenantSoftDeleter(
                shop.dataSource(),
                plan,
                Clock.systemUTC(),
                DeletionSettings.defaults(),
                SoftDeleteSettings.defaults(),
                OutcomeRecorder.NONE,
                OutcomeRecorder.NONE,
                List.of(index, documents),
                TablePolicies.none());
    }

    /** Every file under the root, by relative path, with its content. */
    private Map<String, String> files() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(path).toString(), Files.readString(path));
            }
        }
        return files;
    }

    private static DeletionTask task(String jobId) {
        return new DeletionTask(jobId, TENANT_A, 1);
    }

    /**
     * A step over files: {@code <dir>/<tenant>/<n>}, hidden by moving them to {@code <dir>/.hidden/<job>/<tenant>}.
     * It remembers how many of the tenant's rows the shop held when it deleted, and can fail or leave its files.
     */
    private static final class FileStep implements DeletionStep {

        private final String name;
        private final Position position;
        private final Path dir;
        private final ShopDatabase shop;
        final List<Long> tenantRowsSeenByDelete = new ArrayList<>();
        int failuresLeft;
        boolean deletes = true;

        FileStep(String name, Position position, Path dir, ShopDatabase shop) {
            this.name = name;
            this.position = position;
            this.dir = dir;
            this.shop = shop;
        }

        void write(String tenant, int files) throws IOException {
            Files.createDirectories(dir.resolve(tenant));
            for (int i = 0; i < files; i++) {
                Files.writeString(
                        dir.resolve(tenant).resolve(Integer.toString(i)), name + " " + i, StandardCharsets.UTF_8);
            }
        }

        long visible(String tenant) throws IOException {
            return filesIn(dir.resolve(tenant)).size();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Position position() {
            return position;
        }

        @Override
        public long count(DeletionTask task) throws IOException {
            long count = visible(task.tenantId());
            for (Path job : filesIn(dir.resolve(".hidden"))) {
                count += filesIn(job.resolve(task.tenantId())).size();
            }
            return count;
        }

        @Override
        public long delete(DeletionTask task) throws IOException, SQLException {
            tenantRowsSeenByDelete.add(shop.rowsOf(task.tenantId()));
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new IOException("disk unavailable\nsecond line");
            }
            if (!deletes) {
                return 0;
            }
            long deleted = 0;
            List<Path> places = new ArrayList<>(List.of(dir.resolve(task.tenantId())));
            filesIn(dir.resolve(".hidden")).forEach(job -> places.add(job.resolve(task.tenantId())));
            for (Path place : places) {
                for (Path file : filesIn(place)) {
                    Files.delete(file);
                    deleted++;
                }
            }
            return deleted;
        }

        @Override
        public long hide(DeletionTask task) throws IOException {
            Path hidden = dir.resolve(".hidden").resolve(task.jobId()).resolve(task.tenantId());
            Files.createDirectories(hidden);
            long moved = 0;
            for (Path file : filesIn(dir.resolve(task.tenantId()))) {
                Files.move(file, hidden.resolve(file.getFileName()));
                moved++;
            }
            return moved;
        }

        @Override
        public long restore(DeletionTask task) throws IOException {
            Path hidden = dir.resolve(".hidden").resolve(task.jobId()).resolve(task.tenantId());
            long moved = 0;
            for (Path file : filesIn(hidden)) {
                Files.move(file, dir.resolve(task.tenantId()).resolve(file.getFileName()));
                moved++;
            }
            return moved;
        }

        private static List<Path> filesIn(Path directory) throws IOException {
            if (!Files.isDirectory(directory)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(directory)) {
                return files.sorted().toList();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
