-- Stages: a participant registers a stage (0 unless it says otherwise), and every phase of a job asks stage n+1 only
-- after each participant of stage n completed it. A job fixes its participants' stages when it starts; a participant
-- of a later stage is WAITING, without a deadline, until its stage is asked.

alter table participant add column stage int not null default 0;
alter table participant add constraint participant_stage_not_negative check (stage >= 0);

alter table job_participant add column stage int not null default 0;
alter table job_participant add constraint job_participant_stage_not_negative check (stage >= 0);

alter table job_participant drop constraint job_participant_state_known;
alter table job_participant add constraint job_participant_state_known
    check (state in ('WAITING', 'PENDING', 'COMPLETED', 'FAILED', 'TIMED_OUT'));
alter table job_participant alter column deadline_at drop not null;
alter table job_participant add constraint job_participant_deadline_when_asked
    check ((state = 'WAITING') = (deadline_at is null));
