/**
 * {@code lethe}, the on-call tool: lists the dead letters of a topic and why they are there, replays chosen ones to
 * their original topic, and prints or follows a job's status. Plain Java on kafka-clients and Lethe's schemas; it
 * never prints a payload beyond the ids in it.
 */
package io.lethe.cli;
