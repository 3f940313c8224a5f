package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @CsvSource({
        "C2 CompilerThre, JIT compiler",
        "C1 CompilerThre, JIT compiler",
        "GC Thread#1, garbage collector",
        "G1 Conc#0, garbage collector"
    })
    void tellsTheJvmsOwnThreadsApartByTheNamesLinuxGivesThem(String thread, String part) {
        assertThat(ThreadCpu.jvmPartOf(thread)).contains(part);
    }

    @ParameterizedTest
    @ValueSource(strings = {"VM Thread", "main", "kafka-0-raft-io-thread"})
    void leavesEveryOtherThreadToTheJavaThreadsParts(String thread) {
        assertThat(ThreadCpu.jvmPartOf(thread)).isEmpty();
    }

    @Test
    void countsEachJvmThreadFromItsFirstReadingAndLeavesOutThoseThatEnded() {
        Map<String, ProcTicks.Reading> before = Map.of(
                "11", new ProcTicks.Reading(ThreadCpu.JIT_COMPILER, 500),
                "12", new ProcTicks.Reading(ThreadCpu.JIT_COMPILER, 900),
                "20", new ProcTicks.Reading(ThreadCpu.GARBAGE_COLLECTOR, 40));
        Map<String, ProcTicks.Reading> after = Map.of(
                "11", new ProcTicks.Reading(ThreadCpu.JIT_COMPILER, 650),
                // 12 ended; 13 started since and counts from 0.
                "13", new ProcTicks.Reading(ThreadCpu.JIT_COMPILER, 30),
                "20", new ProcTicks.Reading(ThreadCpu.GARBAGE_COLLECTOR, 47));

        Map<String, Double> seconds = ThreadCpu.jvmSecondsBetween(before, after);

        assertThat(seconds)
                .containsOnlyKeys(ThreadCpu.JIT_COMPILER, ThreadCpu.GARBAGE_COLLECTOR)
                .hasEntrySatisfying(
                        ThreadCpu.JIT_COMPILER, jit -> assertThat(jit).isCloseTo(1.8, within(1e-9)))
                .hasEntrySatisfying(
                        ThreadCpu.GARBAGE_COLLECTOR, gc -> assertThat(gc).isCloseTo(0.07, within(1e-9)));
        assertThat(ThreadCpu.jvmSecondsBetween(Map.of(), after)).isEmpty();
    }

    @Test
    void readsTheGarbageCollectorsThreadsFromLinux() {
        Assumptions.assumeTrue(Files.isDirectory(ThreadCpu.TASKS), "no /proc/self/task here");
        Assumptions.assumeTrue(
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .anyMatch(collector -> collector.getName().startsWith("G1")),
                "G1 collects on its own threads; other collectors may not");
        ThreadCpu cpu = ThreadCpu.start();

        // Full collections, each on G1's worker threads, until they have used a few clock ticks.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            System.gc();
            return cpu.stop().jvmThreads().get(ThreadCpu.GARBAGE_COLLECTOR) >= 0.05;
        });

        assertThat(cpu.stop().jvmThreads().get(ThreadCpu.JIT_COMPILER)).isNotNegative();
    }
}
