package io.lethe.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** One record of a topic, written {@code partition:offset} on the command line and in the tool's output. */
record PartitionOffset(int partition, long offset) {

    PartitionOffset {
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "partition and offset must be 0 or more, not " + partition + ":" + offset);
        }
    }

    @Override
    public String toString() {
        return partition + ":" + offset;
    }

    /** Reads {@code partition:offset}. */
    static final class Converter implements ITypeConverter<PartitionOffset> {

        @Override
        public PartitionOffset convert(String value) {
            String[] parts = value.trim().split(":", -1);
            try {
                if (parts.length == 2) {
                    return new PartitionOffset(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                }
            } catch (IllegalArgumentException e) {
                // reported below with the expected form
            }
            throw new TypeConversionException(
                    "'" + value + "' is not partition:offset (e.g. 0:42) with both numbers 0 or more");
        }
    }
}
