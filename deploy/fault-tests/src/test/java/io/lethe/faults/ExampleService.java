package io.lethe.faults;

import io.lethe.examples.billing.BillingDemoData;
import io.lethe.examples.billing.BillingServiceApplication;
import io.lethe.examples.identity.IdentityDemoData;
import io.lethe.examples.identity.IdentityServiceApplication;
import io.lethe.examples.orders.OrdersDemoData;
import io.lethe.examples.orders.OrdersServiceApplication;
import javax.sql.DataSource;

/**
 * The example participants as processes: the main class to launch and the demo data to seed. The local stack's
 * {@code ParticipantService} builds applications inside its own JVM and keeps its seeding package-private, so the
 * process view is kept here.
 */
enum ExampleService {
    ORDERS("orders-service", "orders", OrdersServiceApplication.class),
    BILLING("billing-service", "billing", BillingServiceApplication.class),
    IDENTITY("identity-service", "identity", IdentityServiceApplication.class);

    private final String participantName;
    private final String database;
    private final Class<?> mainClass;

    ExampleService(String participantName, String database, Class<?> mainClass) {
        this.participantName = participantName;
        this.database = database;
        this.mainClass = mainClass;
    }

    /** The name it registers with and reports under. */
    String participantName() {
        return participantName;
    }

    /** Its own database on the test's PostgreSQL server. */
    String database() {
        return database;
    }

    String mainClass() {
        return mainClass.getName();
    }

    /**
     * Inserts one tenant's demo rows, set-based; {@code scale} is the number of top-level entities (orders: customers,
     * about 16 rows each; billing: invoices; identity: users).
     */
    void seed(DataSource dataSource, String tenantId, int scale) {
        switch (this) {
            case ORDERS -> OrdersDemoData.seed(dataSource, tenantId, scale);
            case BILLING -> BillingDemoData.seed(dataSource, tenantId, scale);
            case IDENTITY -> IdentityDemoData.seed(dataSource, tenantId, scale);
        }
    }
}
