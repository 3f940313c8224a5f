package io.lethe.participant.delete;

/**
 * How {@link TenantDeleter} cuts a tenant's deletion into transactions.
 *
 * @param chunkSize the most rows one chunk transaction deletes from a table (and the most primary keys the JVM holds
 *     at a time); small chunks keep row locks short and let replicas keep up, large ones need fewer round trips
 * @param maxPasses how often a table's rows are selected and deleted again when the previous pass deleted rows (the
 *     service may have inserted more of the tenant's rows meanwhile); at least 1
 * @param batchedReferenceChecks whether a chunk's foreign-key checks are done in one statement after its delete
 *     instead of by PostgreSQL's triggers one row at a time, where the role may and nothing else depends on the
 *     triggers ({@link BatchedReferenceCheck}); on by default
 */
public record DeletionSettings(int chunkSize, int maxPasses, boolean batchedReferenceChecks) {

    /** Rows per chunk by default. */
    public static final int DEFAULT_CHUNK_SIZE = 5000;

    /** Passes per table by default. */
    public static final int DEFAULT_MAX_PASSES = 3;

    public DeletionSettings {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("deletion chunk size must be at least 1, was " + chunkSize);
        }
        if (maxPasses < 1) {
            throw new IllegalArgumentException("deletion max passes must be at least 1, was " + maxPasses);
        }
    }

    /** Batched foreign-key checks on. */
    public DeletionSettings(int chunkSize, int maxPasses) {
        this(chunkSize, maxPasses, true);
    }

    /** {@return {@value #DEFAULT_CHUNK_SIZE} rows per chunk, at most {@value #DEFAULT_MAX_PASSES} passes per table, batched foreign-key checks} */
    public static DeletionSettings defaults() {
        return new DeletionSettings(DEFAULT_CHUNK_SIZE, DEFAULT_MAX_PASSES);
    }
}
