package io.lethe.examples.billing;

import io.lethe.participant.delete.DeletionStep;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * An example Lethe participant: invoices with their lines, payments and credit notes in their own database, and each
 * invoice's PDF document in a directory ({@code billing.documents.dir}), which its deletion step handles.
 */
@SpringBootApplication
public class BillingServiceApplication {

    @Bean
    InvoiceDocuments invoiceDocuments(@Value("${billing.documents.dir}") Path dir) {
        return new InvoiceDocuments(dir);
    }

    /** Picked up by the Lethe starter: runs in every phase, after the tables. */
    @Bean
    DeletionStep invoiceDocumentsStep(InvoiceDocuments documents) {
        return new InvoiceDocumentsStep(documents);
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its own configuration file, as standalone and in the local stack. */
    public static SpringApplicationBuilder builder() {
        // billing-service.yml rather than application.yml: the local stack runs the three example services in one
        // JVM on one classpath, where each would read whichever application.yml comes first. Set here, not on the
        // command line, so the service starts the same way standalone and in the stack.
        return new SpringApplicationBuilder(BillingServiceApplication.class)
                .properties("spring.config.name=billing-service");
    }
}
