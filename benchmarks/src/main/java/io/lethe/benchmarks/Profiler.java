package io.lethe.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Java Flight Recorder recording of this JVM with the JDK's {@code profile} settings, and its summary: the methods
 * most often on top of the sampled stacks, and the threads they ran on.
 */
class Profiler implements AutoCloseable {

    /** How many entries of each kind the summary keeps. */
    private static final int TOP = 12;

    /**
     * A method (or a thread) and its share of the execution samples.
     *
     * @param kind {@code method} or {@code thread}
     * @param name the method as {@code class.method}, or the thread's name with its numbers replaced by {@code #}
     * @param samples its samples
     * @param share its fraction of all samples
     */
    record Hotspot(String kind, String name, long samples, double share) {}

    private final Recording recording;

    private Profiler(Recording recording) {
        this.recording = recording;
    }

    static Profiler start() throws IOException, ParseException {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.start();
        return new Profiler(recording);
    }

    static Profiler none() {
        return new Profiler(null);
    }

    /** Stops the recording, writes it to the file and summarises it; nothing when not profiling. */
    List<Hotspot> stop(Path file) throws IOException {
        if (recording == null) {
            return List.of();
        }
        recording.stop();
        recording.dump(file);
        recording.close();
        Map<String, Long> methods = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            total++;
            RecordedFrame top = frames.get(0);
            methods.merge(
                    top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1L, Long::sum);
            String thread = event.getThread("sampledThread") == null
                    ? "?"
                    : event.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "#"), 1L, Long::sum);
        }
        long samples = total;
        return java.util.stream.Stream.concat(top("method", methods, samples), top("thread", threads, samples))
                .toList();
    }

    private static java.util.stream.Stream<Hotspot> top(String kind, Map<String, Long> counts, long total) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(TOP)
                .map(entry -> new Hotspot(kind, entry.getKey(), entry.getValue(), (double) entry.getValue() / total));
    }

    @Override
    public void close() {
        if (recording != null) {
            recording.close();
        }
    }
}
