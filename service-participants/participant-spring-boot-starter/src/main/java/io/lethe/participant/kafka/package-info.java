/** The participant's Kafka adapters: registration, the deletion request listener and outcome publishing. */
package io.lethe.participant.kafka;
