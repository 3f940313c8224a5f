-- Table policies: a participant may keep a table's rows of the tenant, anonymized (listed columns overwritten) or as
-- they are (retained), with a reason; its outcomes say so per table.

alter table job_participant_table add column policy text not null default 'DELETE'
    check (policy in ('DELETE', 'ANONYMIZE', 'RETAIN'));
alter table job_participant_table add column rows_anonymized bigint not null default 0;
alter table job_participant_table add column rows_retained bigint not null default 0;
alter table job_participant_table add column reason text;

alter table job_phase_table add column policy text not null default 'DELETE'
    check (policy in ('DELETE', 'ANONYMIZE', 'RETAIN'));
alter table job_phase_table add column rows_anonymized bigint not null default 0;
alter table job_phase_table add column rows_retained bigint not null default 0;
alter table job_phase_table add column reason text;
