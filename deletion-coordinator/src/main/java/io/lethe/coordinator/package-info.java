/** The deletion coordinator service: a Spring Boot application that runs tenant deletion jobs as sagas on Kafka. */
package io.lethe.coordinator;
