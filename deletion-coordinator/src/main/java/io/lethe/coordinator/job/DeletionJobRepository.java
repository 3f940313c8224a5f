package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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

    /**
     * Reads jobs and holds them until the surrounding transaction ends, as {@link #lockById} does for one; locked in the
     * order of their ids, so that two transactions that lock overlapping sets cannot wait for each other.
     *
     * @return the jobs found, by id; an id without a job is left out
     */
    Map<DeletionJobId, DeletionJob> lockByIds(Collection<DeletionJobId> ids);

    /** The job the requestId created, or the job it was answered with (see {@link #addRequestAlias}). */
    Optional<DeletionJob> findByRequestId(String requestId);

    /** Records that a request was answered with a job it did not create, so that it names that job from now on. */
    void addRequestAlias(String requestId, DeletionJobId jobId);

    Optional<DeletionJob> findActiveByTenant(String tenantId);

    /** Jobs matching the query, newest first. */
    List<DeletionJob> search(JobQuery query);

    /** {@return the re-verifications of the job, oldest first} */
    List<DeletionJob> findVerificationsOf(DeletionJobId verified);

    /**
     * Reads up to {@code limit} jobs that have a pending participant whose deadline is at or before {@code now},
     * earliest deadline first, and holds them until the surrounding transaction ends. Jobs that another transaction
     * holds are skipped rather than waited for, so that several coordinators sweep different jobs.
     */
    List<DeletionJob> lockDue(Instant now, int limit);

    /**
     * Reads up to {@code limit} SOFT_DELETED jobs whose retention window ended at or before {@code now} and whose tenant
     * has no active legal hold, earliest first, and holds them until the surrounding transaction ends, skipping jobs
     * that another transaction holds.
     */
    List<DeletionJob> lockRetentionEnded(Instant now, int limit);

    /**
     * Stores a job's new state, writing only what changed since it was read: the job's row, the progress of the
     * participants whose progress differs, and the approvals and phases added.
     *
     * @param stored the job as this transaction read it, its row locked
     * @param job the job afterwards
     * @throws TenantHasRunningJobException if the job runs again while its tenant has another running job
     */
    void update(DeletionJob stored, DeletionJob job);
}
