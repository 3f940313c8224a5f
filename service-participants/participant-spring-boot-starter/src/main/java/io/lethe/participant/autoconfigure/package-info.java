/**
 * The participant starter's auto-configuration: turns a Spring Boot service with {@code lethe.participant.name} into
 * a Lethe participant. Every bean can be replaced by declaring one of the same type.
 */
package io.lethe.participant.autoconfigure;
