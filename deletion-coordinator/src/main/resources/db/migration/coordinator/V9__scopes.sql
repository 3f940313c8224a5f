-- Scoped deletions: a job may delete listed entities of one participant's table (and what depends on them there)
-- instead of the whole tenant; the participant reports listed ids that name no row or another tenant's rows.

alter table deletion_job add column scope_participant text;
alter table deletion_job add column scope_table text;
alter table deletion_job add column scope_ids text[];
alter table deletion_job add constraint deletion_job_scope_complete check (
    (scope_participant is null) = (scope_table is null) and (scope_table is null) = (scope_ids is null));

alter table job_participant add column not_found text[] not null default '{}';
alter table job_participant add column other_tenant text[] not null default '{}';

-- Whether the participant honours a scope; one that registered before scopes existed would delete the whole tenant.
alter table participant add column scope_supported boolean not null default false;
