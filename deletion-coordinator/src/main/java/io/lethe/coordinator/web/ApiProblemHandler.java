package io.lethe.coordinator.web;

import io.lethe.coordinator.hold.LegalHoldNotFoundException;
import io.lethe.coordinator.job.DeletionJobNotFoundException;
import io.lethe.coordinator.job.FourEyesViolationException;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.InvalidJobIdException;
import io.lethe.coordinator.job.JobNotRetryableException;
import io.lethe.coordinator.job.JobStateConflictException;
import io.lethe.coordinator.job.NoParticipantsRegisteredException;
import io.lethe.coordinator.job.RequestIdConflictException;
import io.lethe.coordinator.job.TenantHasRunningJobException;
import io.lethe.coordinator.job.TenantOnLegalHoldException;
import io.lethe.coordinator.participant.ParticipantNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error of the REST API as {@code application/problem+json}. A problem about a request field names it in the
 * {@code field} property and in the detail.
 */
@RestControllerAdvice
class ApiProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiProblemHandler.class);

    @ExceptionHandler(InvalidDeletionRequestException.class)
    ProblemDetail invalidRequest(InvalidDeletionRequestException e) {
        return fieldProblem(e.field(), e.getMessage());
    }

    @ExceptionHandler(InvalidJobIdException.class)
    ProblemDetail invalidJobId(InvalidJobIdException e) {
        return fieldProblem("jobId", e.getMessage());
    }

    @ExceptionHandler({
        DeletionJobNotFoundException.class,
        ParticipantNotFoundException.class,
        LegalHoldNotFoundException.class
    })
    ProblemDetail notFound(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(NoParticipantsRegisteredException.class)
    ProblemDetail noParticipants(NoParticipantsRegisteredException e) {
        return problem(HttpStatus.CONFLICT, "No participant registered", e.getMessage());
    }

    @ExceptionHandler(RequestIdConflictException.class)
    ProblemDetail requestIdConflict(RequestIdConflictException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "requestId already used", e.getMessage());
        problem.setProperty("field", "requestId");
        return problem;
    }

    @ExceptionHandler(JobNotRetryableException.class)
    ProblemDetail nothingToRetry(JobNotRetryableException e) {
        return problem(HttpStatus.CONFLICT, "Nothing to retry", e.getMessage());
    }

    @ExceptionHandler(JobStateConflictException.class)
    ProblemDetail jobStateConflict(JobStateConflictException e) {
        return problem(HttpStatus.CONFLICT, "Not allowed in the job's state", e.getMessage());
    }

    @ExceptionHandler(FourEyesViolationException.class)
    ProblemDetail fourEyes(FourEyesViolationException e) {
        return problem(HttpStatus.FORBIDDEN, "Four-eyes rule", e.getMessage());
    }

    @ExceptionHandler(TenantOnLegalHoldException.class)
    ProblemDetail legalHold(TenantOnLegalHoldException e) {
        return problem(HttpStatus.CONFLICT, "Tenant on legal hold", e.getMessage());
    }

    @ExceptionHandler(TenantHasRunningJobException.class)
    ProblemDetail tenantHasRunningJob(TenantHasRunningJobException e) {
        return problem(HttpStatus.CONFLICT, "Tenant has a running job", e.getMessage());
    }

    /**
     * The database is away (or the transaction could not be started or its commit was not acknowledged): the change
     * may or may not be stored, but nothing left through the outbox before a commit, and every request is idempotent
     * (the same requestId names the same job; a retry of a job that was retried already answers 409).
     */
    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class,
        CannotCreateTransactionException.class
    })
    ProblemDetail databaseUnavailable(RuntimeException e) {
        log.warn("request refused, the database is unavailable: {}", e.getMessage());
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Database unavailable",
                "the change may not have been stored; send the same request again");
    }

    /** A query parameter or path variable of the wrong type, e.g. {@code limit=abc}: names the parameter. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = e.getPropertyName();
        String detail = field + " must be a "
                + (e.getRequiredType() == null
                        ? "valid value"
                        : e.getRequiredType().getSimpleName());
        return handleExceptionInternal(e, fieldProblem(field, detail), headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Malformed JSON, or a value of the wrong type: the detail names the field where Jackson knows it. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem;
        if (e.getMostSpecificCause() instanceof JacksonException jackson) {
            String field = jackson.getPath().isEmpty() ? null : jackson.getPathReference();
            String detail = "malformed JSON" + (field == null ? "" : " at " + fieldPath(jackson)) + ": "
                    + jackson.getOriginalMessage();
            problem = field == null
                    ? problem(HttpStatus.BAD_REQUEST, "Malformed request", detail)
                    : fieldProblem(fieldPath(jackson), detail);
        } else {
            problem = problem(HttpStatus.BAD_REQUEST, "Malformed request", "the request body is missing or unreadable");
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static String fieldPath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static ProblemDetail fieldProblem(String field, String detail) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", detail);
        problem.setProperty("field", field);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
