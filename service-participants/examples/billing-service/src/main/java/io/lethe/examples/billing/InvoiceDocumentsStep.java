package io.lethe.examples.billing;

import io.lethe.participant.delete.DeletionScope;
import io.lethe.participant.delete.DeletionStep;
import io.lethe.participant.delete.DeletionTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tenant's invoice documents as a deletion step: after the tables (no invoice row points at a missing document
 * meanwhile), a soft delete moves them out of sight, a restore moves them back, and the hard delete removes them, the
 * hidden ones included. Every call is idempotent: a retried request finds less (or nothing) to do. A scoped request
 * for invoices acts on the listed invoices' documents only; one for another table (payments, say) on none, since
 * documents belong to invoices alone.
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
        for (Path file : inScope(task, InvoiceDocuments.list(documents.tenantDir(task.tenantId())))) {
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
        for (Path file : inScope(task, InvoiceDocuments.list(hidden))) {
            Path target = visible.resolve(file.getFileName());
            // A document written again since (the invoice was re-rendered) stays; the hidden copy is kept for now.
            if (!Files.exists(target)) {
                Files.createDirectories(visible);
                Files.move(file, target);
                moved++;
            }
        }
        deleteIfEmpty(hidden);
        deleteIfEmpty(hidden.getParent());
        return moved;
    }

    /** The tenant's documents, visible and hidden by any job. */
    private List<Path> files(DeletionTask task) throws IOException {
        List<Path> files = new ArrayList<>(InvoiceDocuments.list(documents.tenantDir(task.tenantId())));
        for (Path hidden : documents.hiddenDirs(task.tenantId())) {
            files.addAll(InvoiceDocuments.list(hidden));
        }
        return inScope(task, files);
    }

    /** The files the task's scope covers: all of the tenant's, the listed invoices', or none for another table. */
    private static List<Path> inScope(DeletionTask task, List<Path> files) {
        DeletionScope scope = task.scope();
        if (scope == null) {
            return files;
        }
        if (!scope.table().equals("public.invoices") && !scope.table().equals("invoices")) {
            return List.of();
        }
        Set<String> names =
                scope.ids().stream().map(id -> "invoice-" + id + ".pdf").collect(Collectors.toSet());
        return files.stream()
                .filter(file -> names.contains(file.getFileName().toString()))
                .toList();
    }

    private static void deleteIfEmpty(Path directory) throws IOException {
        if (Files.isDirectory(directory) && InvoiceDocuments.list(directory).isEmpty()) {
            Files.deleteIfExists(directory);
        }
    }
}
