package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
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
        assertThat(cpu.stop().javaThreads().get(ThreadCpu.OTHER)).isGreaterThan(0.02);
    }

    @Test
    void tellsTheJvmsOwnThreadsApartByTheNamesLinuxGivesThem() {
        assertThat(ThreadCpu.jvmPartOf("C2 CompilerThre")).isEqualTo(ThreadCpu.JIT_COMPILER);
        assertThat(ThreadCpu.jvmPartOf("C1 CompilerThre")).isEqualTo(ThreadCpu.JIT_COMPILER);
        assertThat(ThreadCpu.jvmPartOf("GC Thread#1")).isEqualTo(ThreadCpu.GARBAGE_COLLECTOR);
        assertThat(ThreadCpu.jvmPartOf("G1 Conc#0")).isEqualTo(ThreadCpu.GARBAGE_COLLECTOR);
        assertThat(ThreadCpu.jvmPartOf("G1 Refine#0")).isEqualTo(ThreadCpu.GARBAGE_COLLECTOR);
        assertThat(ThreadCpu.jvmPartOf("VM Thread")).isNull();
        assertThat(ThreadCpu.jvmPartOf("main")).isNull();
    }

    @Test
    void measuresTheGarbageCollectorsThreadsWhereLinuxListsThem() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc/self/task here");
        ThreadCpu cpu = ThreadCpu.start();
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            // Full collections of a heap kept busy, until the collector's threads have used a few ticks.
            List<byte[]> garbage = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                garbage.add(new byte[1024]);
            }
            System.gc();
            if (cpu.stop().jvmThreads().get(ThreadCpu.GARBAGE_COLLECTOR) >= 0.05) {
                break;
            }
        }

        ThreadCpu.Parts parts = cpu.stop();
        assertThat(parts.jvmThreads()).containsOnlyKeys(ThreadCpu.JIT_COMPILER, ThreadCpu.GARBAGE_COLLECTOR);
        assertThat(parts.jvmThreads().get(ThreadCpu.GARBAGE_COLLECTOR)).isGreaterThanOrEqualTo(0.05);
        assertThat(parts.jvmThreads().get(ThreadCpu.JIT_COMPILER)).isNotNegative();
    }
}
