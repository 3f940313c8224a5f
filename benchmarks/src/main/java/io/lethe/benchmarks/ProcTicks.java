package io.lethe.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU time Linux gives a process or thread in its {@code /proc/.../stat} file, in clock ticks of 1/100 s, and the
 * CPU seconds of a set of them between two readings.
 */
final class ProcTicks {

    /** Linux reports a process's CPU time in clock ticks of 1/100 s. */
    static final double TICKS_PER_SECOND = 100.0;

    /**
     * A process's or thread's CPU so far.
     *
     * @param part what it belongs to, as the caller names it
     * @param ticks its user and system time, in clock ticks
     */
    record Reading(String part, long ticks) {}

    /**
     * What a {@code stat} file says.
     *
     * @param name the process's or thread's name, as Linux shortens it
     * @param parent its parent process's id
     * @param ticks its user and system time, in clock ticks
     * @param started when it started, in clock ticks since the machine booted: with its id, it names a process whose id
     *     may be reused
     */
    record Stat(String name, long parent, long ticks, long started) {}

    private ProcTicks() {}

    /** {@return what the {@code stat} file says; empty if it cannot be read (the process has ended)} */
    static Optional<Stat> read(Path stat) {
        String text;
        try {
            text = Files.readString(stat);
        } catch (IOException ended) {
            return Optional.empty();
        }
        // pid (comm) state ppid ...: the name may hold spaces and parentheses; ppid is the 4th field, the 2nd after
        // the name; utime and stime are the 14th and 15th, the 12th and 13th after it; starttime the 22nd, the 20th.
        String name = text.substring(text.indexOf('(') + 1, text.lastIndexOf(')'));
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return Optional.of(new Stat(
                name,
                Long.parseLong(fields[1]),
                Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                Long.parseLong(fields[19])));
    }

    /**
     * {@return the CPU seconds between two readings, by part, every one of {@code parts} present and in their order
     * (then any other part read); empty if either reading found none} Each process counts from its first reading, or
     * from 0 if it started since; one that ended meanwhile is not counted.
     *
     * @param before readings by process or thread id
     * @param after readings by the same ids
     */
    static Map<String, Double> secondsBetween(
            Map<String, Reading> before, Map<String, Reading> after, Collection<String> parts) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        if (before.isEmpty() || after.isEmpty()) {
            return seconds;
        }
        parts.forEach(part -> seconds.put(part, 0.0));
        after.forEach((id, reading) -> {
            Reading earlier = before.get(id);
            long since = earlier == null || !earlier.part().equals(reading.part()) ? 0 : earlier.ticks();
            seconds.merge(reading.part(), (reading.ticks() - since) / TICKS_PER_SECOND, Double::sum);
        });
        return seconds;
    }
}
