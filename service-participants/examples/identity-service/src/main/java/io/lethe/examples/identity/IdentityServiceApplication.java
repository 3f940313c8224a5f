package io.lethe.examples.identity;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** An example Lethe participant: users, teams, memberships, API keys and sessions in their own database. */
@SpringBootApplication
public class IdentityServiceApplication {

    public static void main(String[] args) {
        // identity-service.yml rather than application.yml: the local stack runs the three example services in one
        // JVM on one classpath, where each would read whichever application.yml comes first. Set here, not on the
        // command line, so the service starts the same way standalone and in the stack.
        new SpringApplicationBuilder(IdentityServiceApplication.class)
                .properties("spring.config.name=identity-service")
                .run(args);
    }
}
