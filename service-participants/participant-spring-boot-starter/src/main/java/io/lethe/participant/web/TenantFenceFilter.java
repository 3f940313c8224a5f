package io.lethe.participant.web;

import io.lethe.participant.delete.TenantFence;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers {@code 410 Gone} ({@code application/problem+json}) to a request for a fenced tenant, named by a header, so
 * that the service serves nothing of a tenant that is being deleted. Requests without the header pass. Enabled with
 * {@code lethe.participant.fence.http-filter.enabled=true}.
 */
public final class TenantFenceFilter extends OncePerRequestFilter {

    private final TenantFence fence;
    private final String tenantHeader;

    public TenantFenceFilter(TenantFence fence, String tenantHeader) {
        this.fence = fence;
        this.tenantHeader = tenantHeader;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String tenantId = request.getHeader(tenantHeader);
        Optional<String> job = tenantId == null || tenantId.isBlank() ? Optional.empty() : fence.fencingJob(tenantId);
        if (job.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpStatus.GONE.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        // Ids only, escaped by construction: a job id is a UUID, and the tenant id is not echoed.
        response.getWriter()
                .write("{\"type\":\"about:blank\",\"title\":\"Gone\",\"status\":410,\"detail\":\"the tenant's data is"
                        + " being deleted (deletion job " + jsonSafe(job.get()) + ")\"}");
    }

    private static String jsonSafe(String text) {
        return text.replaceAll("[^A-Za-z0-9._:-]", "_");
    }
}
