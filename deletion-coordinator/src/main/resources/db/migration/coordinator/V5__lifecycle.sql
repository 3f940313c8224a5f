-- The deletion lifecycle: preview, approval, soft delete with a retention window, restore, hard delete; legal holds.

alter table deletion_job
    add column mode             text        not null default 'DELETE',
    add column phase            text        not null default 'HARD',
    add column phase_started_at timestamptz,
    add column phase_attempt    int         not null default 1,
    add column immediate        boolean     not null default false,
    add column retention_ms     bigint      not null default 0,
    add column retention_until  timestamptz,
    add column preview_round    int         not null default 0,
    add column on_behalf_of     text,
    add column restored_by      text;
-- Jobs from before the lifecycle were hard deletes asked for when they were created.
update deletion_job set phase_started_at = created_at;
alter table deletion_job alter column phase_attempt drop default;
alter table deletion_job alter column phase_started_at set not null;
alter table deletion_job alter column mode drop default, alter column phase drop default;
alter table deletion_job add constraint deletion_job_mode_known check (mode in ('DELETE', 'PREVIEW'));
alter table deletion_job add constraint deletion_job_phase_known check (phase in ('PREVIEW', 'SOFT', 'HARD', 'RESTORE'));

-- A tenant has one active job: running, awaiting approval, or soft-deleted within its retention window.
drop index deletion_job_one_active_per_tenant;
create unique index deletion_job_one_active_per_tenant on deletion_job (tenant_id)
    where state in ('RUNNING', 'AWAITING_APPROVAL', 'SOFT_DELETED');
-- What the retention sweep selects on (state = 'SOFT_DELETED' and retention_until <= now ... for update skip locked).
create index deletion_job_retention_due on deletion_job (retention_until) where state = 'SOFT_DELETED';

-- Every approval or rejection, in order; append-only.
create table job_approval (
    job_id       uuid        not null references deletion_job (id) on delete cascade,
    seq          int         not null,
    round        int         not null,
    approver     text        not null,
    decision     text        not null check (decision in ('APPROVED', 'REJECTED')),
    comment      text        not null,
    automatic    boolean     not null,
    preview_rows bigint      not null,
    decided_at   timestamptz not null,
    primary key (job_id, seq)
);

-- Every completed phase with each participant's rows per table; append-only.
create table job_phase (
    job_id      uuid        not null references deletion_job (id) on delete cascade,
    seq         int         not null,
    phase       text        not null,
    round       int         not null,
    started_at  timestamptz not null,
    finished_at timestamptz not null,
    primary key (job_id, seq)
);

create table job_phase_table (
    job_id      uuid   not null,
    seq         int    not null,
    participant text   not null,
    position    int    not null,
    table_name  text   not null,
    row_count   bigint not null,
    primary key (job_id, seq, participant, position),
    foreign key (job_id, seq) references job_phase (job_id, seq) on delete cascade
);

-- Legal holds: placed and lifted by operators, kept after they are lifted. One active hold per tenant.
create table legal_hold (
    id        bigserial   primary key,
    tenant_id text        not null,
    reason    text        not null,
    placed_by text        not null,
    placed_at timestamptz not null,
    lifted_by text,
    lifted_at timestamptz
);
create unique index legal_hold_one_active_per_tenant on legal_hold (tenant_id) where lifted_at is null;
