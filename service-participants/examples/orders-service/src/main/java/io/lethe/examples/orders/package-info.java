/**
 * The orders example service: a Lethe participant whose schema exercises the planner with a global table
 * ({@code products}), a cycle through a nullable column ({@code customers.default_address_id} and
 * {@code addresses.customer_id}) and a tenant-less child ({@code shipments}, reached only through {@code orders}).
 * {@link io.lethe.examples.orders.OrdersDemoData} seeds realistic rows for demos and tests.
 */
package io.lethe.examples.orders;
