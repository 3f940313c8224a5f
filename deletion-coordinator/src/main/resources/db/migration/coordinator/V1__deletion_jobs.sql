-- Participants announce themselves on lethe.participants.v1; an operator may retire one.
create table participant (
    name          text primary key,
    tables        text[]      not null,
    version       text        not null,
    registered_at timestamptz not null,
    retired_at    timestamptz
);

create table deletion_job (
    id           uuid primary key,
    request_id   text        not null unique,
    tenant_id    text        not null,
    requested_by text        not null,
    reason       text        not null,
    state        text        not null,
    attempt      int         not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    finished_at  timestamptz
);

-- One active job per tenant, enforced by the database even when requests race.
create unique index deletion_job_one_active_per_tenant on deletion_job (tenant_id) where state = 'RUNNING';
create index deletion_job_by_tenant on deletion_job (tenant_id, created_at desc);
create index deletion_job_by_state on deletion_job (state, created_at desc);

create table job_participant (
    job_id          uuid    not null references deletion_job (id) on delete cascade,
    participant     text    not null,
    state           text    not null,
    error_code      text,
    error_message   text,
    error_table     text,
    error_retryable boolean,
    finished_at     timestamptz,
    primary key (job_id, participant)
);

create table job_participant_table (
    job_id         uuid   not null,
    participant    text   not null,
    position       int    not null,
    table_name     text   not null,
    rows_deleted   bigint not null,
    rows_remaining bigint not null,
    primary key (job_id, participant, position),
    foreign key (job_id, participant) references job_participant (job_id, participant) on delete cascade
);
