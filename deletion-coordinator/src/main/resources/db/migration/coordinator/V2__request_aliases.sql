-- A request answered with a job it did not create (its tenant's running job) keeps naming that job: the same
-- requestId always names the same job, also after that job has ended.
create table deletion_request_alias (
    request_id text primary key,
    job_id     uuid not null references deletion_job (id) on delete cascade
);
