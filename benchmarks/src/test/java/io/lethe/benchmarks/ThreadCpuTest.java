package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void tellsTheStacksPartsApartByThreadName() {
        assertThat(ThreadCpu.partOf("data-plane-kafka-request-handler-1")).isEqualTo(ThreadCpu.BROKER);
        assertThat(ThreadCpu.partOf("group-coordinator-event-processor-0")).isEqualTo(ThreadCpu.BROKER);
        assertThat(ThreadCpu.partOf("kafka-0-raft-io-thread")).isEqualTo(ThreadCpu.BROKER);
        assertThat(ThreadCpu.partOf("lethe-coordinator-outcomes-0-C-1")).isEqualTo(ThreadCpu.COORDINATOR);
        assertThat(ThreadCpu.partOf("lethe-outbox-relay-coordinator")).isEqualTo(ThreadCpu.COORDINATOR);
        assertThat(ThreadCpu.partOf("kafka-producer-network-thread | deletion-coordinator-producer-1"))
                .isEqualTo(ThreadCpu.COORDINATOR);
        assertThat(ThreadCpu.partOf("lethe-deadline-sweeper")).isEqualTo(ThreadCpu.COORDINATOR);
        assertThat(ThreadCpu.partOf("letheDeletionRequestContainer-0-C-1")).isEqualTo(ThreadCpu.PARTICIPANTS);
        assertThat(ThreadCpu.partOf("lethe-outbox-relay-billing-service")).isEqualTo(ThreadCpu.PARTICIPANTS);
        assertThat(ThreadCpu.partOf("kafka-producer-network-thread | producer-3"))
                .isEqualTo(ThreadCpu.PARTICIPANTS);
        assertThat(ThreadCpu.partOf("status-watch")).isEqualTo(ThreadCpu.READER);
        assertThat(ThreadCpu.partOf("main")).isEqualTo(ThreadCpu.OTHER);
    }

    @Test
    void measuresTheCpuOfThisThreadAsOtherJavaThreads() {
        ThreadCpu cpu = ThreadCpu.start();
        long sum = 0;
        long until = System.nanoTime() + 50_000_000L;
        while (System.nanoTime() < until) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }

        assertThat(sum).isPositive();
        assertThat(cpu.stop().get(ThreadCpu.OTHER)).isGreaterThan(0.02);
    }
}
