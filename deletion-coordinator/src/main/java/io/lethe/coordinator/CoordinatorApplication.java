package io.lethe.coordinator;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The deletion coordinator: takes deletion requests, runs each job as a saga and publishes its status. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CoordinatorApplication {

    /** The name of the coordinator's configuration file, {@code deletion-coordinator.yml}. */
    public static final String CONFIG_NAME = "deletion-coordinator";

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * The application with its configuration file. The file is not called {@code application.yml} because the local
     * stack runs the coordinator and the example participants in one JVM, on one class path.
     */
    public static org.springframework.boot.builder.SpringApplicationBuilder builder() {
        return new org.springframework.boot.builder.SpringApplicationBuilder(CoordinatorApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }
}
