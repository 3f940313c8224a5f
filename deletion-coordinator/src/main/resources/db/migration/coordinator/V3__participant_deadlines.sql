-- Deadlines and targeted retry: every participant of a job has its own attempt (the attempt it was last asked for)
-- and the deadline of that attempt; a participant that has not answered by then is TIMED_OUT.

alter table deletion_job add column participant_deadline_ms bigint;
-- Jobs from before this version get the default setting of lethe.coordinator.participant-deadline.
update deletion_job set participant_deadline_ms = 900000;
alter table deletion_job alter column participant_deadline_ms set not null;
alter table deletion_job add constraint deletion_job_participant_deadline_positive check (participant_deadline_ms > 0);

alter table job_participant add column attempt int;
alter table job_participant add column deadline_at timestamptz;
-- Before this version a job never retried, so each participant was asked once, for the job's attempt, when the job
-- was created. A participant still pending that long ago times out at the first sweep after the upgrade.
update job_participant p
   set attempt = j.attempt,
       deadline_at = j.created_at + j.participant_deadline_ms * interval '1 millisecond'
  from deletion_job j
 where j.id = p.job_id;
alter table job_participant alter column attempt set not null;
alter table job_participant alter column deadline_at set not null;
alter table job_participant add constraint job_participant_attempt_positive check (attempt >= 1);
alter table job_participant add constraint job_participant_state_known
    check (state in ('PENDING', 'COMPLETED', 'FAILED', 'TIMED_OUT'));

-- The earliest deadline of the job's pending participants, null when none is pending: what the deadline sweeper
-- selects on (where deadline_at <= now ... for update skip locked), kept by the repository on every update.
alter table deletion_job add column deadline_at timestamptz;
update deletion_job j
   set deadline_at = (select min(p.deadline_at) from job_participant p where p.job_id = j.id and p.state = 'PENDING');
create index deletion_job_due on deletion_job (deadline_at) where deadline_at is not null;
