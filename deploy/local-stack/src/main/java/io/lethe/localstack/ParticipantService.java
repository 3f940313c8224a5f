package io.lethe.localstack;

import io.lethe.examples.billing.BillingDemoData;
import io.lethe.examples.billing.BillingServiceApplication;
import io.lethe.examples.identity.IdentityDemoData;
import io.lethe.examples.identity.IdentityServiceApplication;
import io.lethe.examples.orders.OrdersDemoData;
import io.lethe.examples.orders.OrdersServiceApplication;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The example participant services of the local stack, each with its own database. */
public enum ParticipantService {
    ORDERS("orders-service", "orders", OrdersServiceApplication::builder) {
        @Override
        void seed(DataSource dataSource, String tenantId, int scale) {
            OrdersDemoData.seed(dataSource, tenantId, scale);
        }
    },
    BILLING("billing-service", "billing", BillingServiceApplication::builder) {
        @Override
        void seed(DataSource dataSource, String tenantId, int scale) {
            BillingDemoData.seed(dataSource, tenantId, scale);
        }
    },
    IDENTITY("identity-service", "identity", IdentityServiceApplication::builder) {
        @Override
        void seed(DataSource dataSource, String tenantId, int scale) {
            IdentityDemoData.seed(dataSource, tenantId, scale);
        }
    };

    private final String participantName;
    private final String database;
    private final Supplier<SpringApplicationBuilder> application;

    ParticipantService(String participantName, String database, Supplier<SpringApplicationBuilder> application) {
        this.participantName = participantName;
        this.database = database;
        this.application = application;
    }

    /** The name it registers with. */
    public String participantName() {
        return participantName;
    }

    /** Its database on the stack's PostgreSQL server. */
    public String database() {
        return database;
    }

    SpringApplicationBuilder application() {
        return application.get();
    }

    /** Inserts demo rows for one tenant; scale is about the number of top-level entities. */
    abstract void seed(DataSource dataSource, String tenantId, int scale);
}
