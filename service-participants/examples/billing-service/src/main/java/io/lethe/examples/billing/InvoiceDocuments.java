package io.lethe.examples.billing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The invoices' PDF documents, one file per invoice outside the database: {@code <dir>/<tenant>/invoice-<id>.pdf}. A
 * soft-deleted tenant's documents lie in {@code <dir>/.hidden/<tenant>/<jobId>/} until they are restored or deleted
 * (tenant first: finding a tenant's hidden documents lists its own directory, not one entry per job of every tenant).
 * Tenant ids are percent-encoded into directory names (dots too), so no tenant id can name another directory.
 */
public final class InvoiceDocuments {

    static final String HIDDEN = ".hidden";

    private final Path dir;

    public InvoiceDocuments(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    }

    /** {@return the directory that holds every tenant's documents} */
    public Path dir() {
        return dir;
    }

    /** {@return the directory of the tenant's visible documents} */
    public Path tenantDir(String tenantId) {
        return dir.resolve(directoryName(tenantId));
    }

    /** {@return the directory where the job's soft delete put the tenant's documents} */
    Path hiddenDir(String jobId, String tenantId) {
        return dir.resolve(HIDDEN).resolve(directoryName(tenantId)).resolve(directoryName(jobId));
    }

    /** {@return the tenant's hidden directories, of every job} */
    List<Path> hiddenDirs(String tenantId) throws IOException {
        return list(dir.resolve(HIDDEN).resolve(directoryName(tenantId)));
    }

    /** Writes (or replaces) the invoice's document. */
    public void write(String tenantId, long invoiceId, byte[] content) {
        try {
            Path tenant = Files.createDirectories(tenantDir(tenantId));
            Files.write(tenant.resolve(fileName(invoiceId)), content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the document of invoice " + invoiceId, e);
        }
    }

    static String fileName(long invoiceId) {
        return "invoice-" + invoiceId + ".pdf";
    }

    /** The files in a directory, sorted; none if it does not exist. */
    static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The id percent-encoded, dots and asterisks included: never {@code .}, {@code ..} or a path. */
    static String directoryName(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace(".", "%2E").replace("*", "%2A");
    }
}
