/** The audit log and deletion certificates over REST. */
package io.lethe.coordinator.audit.web;
