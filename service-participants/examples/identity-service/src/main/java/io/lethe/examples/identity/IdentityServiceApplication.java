package io.lethe.examples.identity;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** An example Lethe participant: users, teams, memberships, API keys and sessions in their own database. */
@SpringBootApplication
public class IdentityServiceApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its own configuration file, as standalone and in the local stack. */
    public static SpringApplicationBuilder builder() {
        // identity-service.yml rather than application.yml: the local stack runs the three example services in one
        // JVM on one classpath, where each would read whichever application.yml comes first. Set here, not on the
        // command line, so the service starts the same way standalone and in the stack.
        return new SpringApplicationBuilder(IdentityServiceApplication.class)
                .properties("spring.config.name=identity-service");
    }
}
