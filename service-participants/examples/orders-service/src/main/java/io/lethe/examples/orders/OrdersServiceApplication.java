package io.lethe.examples.orders;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** An example Lethe participant: customers, addresses, orders and shipments in their own database. */
@SpringBootApplication
public class OrdersServiceApplication {

    public static void main(String[] args) {
        // orders-service.yml rather than application.yml: the local stack runs the three example services in one
        // JVM on one classpath, where each would read whichever application.yml comes first. Set here, not on the
        // command line, so the service starts the same way standalone and in the stack.
        new SpringApplicationBuilder(OrdersServiceApplication.class)
                .properties("spring.config.name=orders-service")
                .run(args);
    }
}
