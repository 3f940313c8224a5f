/**
 * Who is asking: every call of the REST API carries a bearer token, validated as an OAuth2 JWT (production) or looked
 * up among static tokens from configuration (local stack, tests). The authenticated principal's name is the identity
 * recorded in jobs and approvals, never a name from a request body; its roles decide what it may do ({@link
 * io.lethe.coordinator.security.ApiAccess}). Refusals are {@code application/problem+json}: 401 without a valid
 * token, 403 without the role.
 */
package io.lethe.coordinator.security;
