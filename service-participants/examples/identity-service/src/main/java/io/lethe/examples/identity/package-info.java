/**
 * The identity example service: a Lethe participant whose schema exercises the planner with a self-reference
 * ({@code teams.parent_team_id}), a table with two parents ({@code memberships}) and a tenant-less child
 * ({@code sessions}, reached only through {@code users}). {@link io.lethe.examples.identity.IdentityDemoData} seeds
 * realistic rows for demos and tests.
 */
package io.lethe.examples.identity;
