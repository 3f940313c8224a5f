-- Re-verification: a VERIFY job counts again, in every participant, what is left of a hard-deleted job's tenant and
-- changes nothing; it names the job it verifies, whose certificate lists it.

alter table deletion_job add column verifies uuid references deletion_job (id);
alter table deletion_job add constraint deletion_job_verifies_when_verify check ((mode = 'VERIFY') = (verifies is not null));
create index deletion_job_by_verified on deletion_job (verifies, created_at) where verifies is not null;

alter table deletion_job drop constraint deletion_job_mode_known;
alter table deletion_job add constraint deletion_job_mode_known check (mode in ('DELETE', 'PREVIEW', 'VERIFY'));
alter table deletion_job drop constraint deletion_job_phase_known;
alter table deletion_job add constraint deletion_job_phase_known
    check (phase in ('PREVIEW', 'SOFT', 'HARD', 'RESTORE', 'VERIFY'));
