package io.lethe.coordinator.job;

import java.util.List;
import java.util.Optional;

/** Where jobs are kept (PostgreSQL in production). */
public interface DeletionJobRepository {

    /**
     * Stores a new job unless its requestId is taken or its tenant already has an active job.
     *
     * @return whether the job was stored
     */
    boolean insertIfAbsent(DeletionJob job);

    Optional<DeletionJob> findById(DeletionJobId id);

    /** Reads a job and holds it until the surrounding transaction ends, so that its transitions happen one at a time. */
    Optional<DeletionJob> lockById(DeletionJobId id);

    Optional<DeletionJob> findByRequestId(String requestId);

    Optional<DeletionJob> findActiveByTenant(String tenantId);

    /** Jobs matching the query, newest first. */
    List<DeletionJob> search(JobQuery query);

    /** Stores a job's new state and its participants' progress. */
    void update(DeletionJob job);
}
