/**
 * The billing example service: a Lethe participant with the simplest useful shape, a tenant-owned aggregate
 * ({@code invoices}) and three tenant-owned children that must go before it. {@link
 * io.lethe.examples.billing.BillingDemoData} seeds realistic rows for demos and tests.
 */
package io.lethe.examples.billing;
