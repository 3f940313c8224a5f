package io.lethe.coordinator.job;

/** No job has the given id. */
public final class DeletionJobNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DeletionJobNotFoundException(DeletionJobId id) {
        super("no deletion job " + id);
    }
}
