package io.lethe.examples.billing;

import io.lethe.participant.delete.DeletionStep;
import io.lethe.participant.delete.DeletionTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tenant's invoice documents as a deletion step: after the tables (no invoice row points at a missing document
 * meanwhile), a soft delete moves them out of sight, a restore moves them back, and the hard delete removes them, the
 * hidden ones included. Every call is idempotent: a retried request finds less (or nothing) to do.
 */
public final class InvoiceDocumentsStep implements DeletionStep {

    private final InvoiceDocuments documents;

    public InvoiceDocumentsStep(InvoiceDocuments documents) {
        this.documents = documents;
    }

    @Override
    public String name() {
        return "invoice-documents";
    }

    @Override
    public Position position() {
        return Position.AFTER_TABLES;
    }

    @Override
    public long count(DeletionTask task) throws IOException {
        return files(task).size();
    }

    @Override
    public long delete(DeletionTask task) throws IOException {
        long deleted = 0;
        for (Path file : files(task)) {
            if (Files.deleteIfExists(file)) {
                deleted++;
            }
        }
        deleteIfEmpty(documents.tenantDir(task.tenantId()));
        for (Path hidden : documents.hiddenDirs(task.tenantId())) {
            deleteIfEmpty(hidden);
            deleteIfEmpty(hidden.getParent());
        }
        return deleted;
    }

    @Override
    public long hide(DeletionTask task) throws IOException {
        Path hidden = documents.hiddenDir(task.jobId(), task.tenantId());
        long moved = 0;
        for (Path file : InvoiceDocuments.list(documents.tenantDir(task.tenantId()))) {
            Files.createDirectories(hidden);
            Files.move(file, hidden.resolve(file.getFileName()));
            moved++;
        }
        deleteIfEmpty(documents.tenantDir(task.tenantId()));
        return moved;
    }

    @Override
    public long restore(DeletionTask task) throws IOException {
        Path hidden = documents.hiddenDir(task.jobId(), task.tenantId());
        Path visible = documents.tenantDir(task.tenantId());
        long moved = 0;
        for (Path file : InvoiceDocuments.list(hidden)) {
            Path target = visible.resolve(file.getFileName());
            // A document written again since (the invoice was re-rendered) stays; the hidden copy is kept for now.
            if (!Files.exists(target)) {
                Files.createDirectories(visible);
                Files.move(file, target);
                moved++;
            }
        }
        deleteIfEmpty(hidden);
        return moved;
    }

    /** The tenant's documents, visible and hidden by any job. */
    private List<Path> files(DeletionTask task) throws IOException {
        List<Path> files = new ArrayList<>(InvoiceDocuments.list(documents.tenantDir(task.tenantId())));
        for (Path hidden : documents.hiddenDirs(task.tenantId())) {
            files.addAll(InvoiceDocuments.list(hidden));
        }
        return files;
    }

    private static void deleteIfEmpty(Path directory) throws IOException {
        if (Files.isDirectory(directory) && InvoiceDocuments.list(directory).isEmpty()) {
            Files.deleteIfExists(directory);
        }
    }
}
