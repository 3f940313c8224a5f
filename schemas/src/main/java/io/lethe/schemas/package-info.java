/**
 * Lethe's event contract: the Avro classes generated from {@code src/main/avro/*.avsc} and {@link
 * io.lethe.schemas.LetheCodec}, which writes and reads them in Avro single-object encoding. Only Kafka adapter packages
 * use these types; domain code maps them to its own records.
 */
package io.lethe.schemas;
