/**
 * The participants a deletion must reach: every service that ever registered and was not retired by an operator. A
 * service that is down stays expected, so it cannot silently drop out of a deletion.
 */
package io.lethe.coordinator.participant;
