-- The audit log: every job transition and legal hold, hash-chained (io.lethe.coordinator.audit.AuditChain). Entries
-- are appended, never changed; the application's database user should be granted INSERT and SELECT only on
-- audit_entry. The head keeps the last sequence number and hash, so removing entries from the end is seen too.
create table audit_entry (
    seq       bigint      primary key,
    at        timestamptz not null,
    job_id    uuid,
    tenant_id text        not null,
    actor     text        not null,
    action    text        not null,
    detail    text        not null,
    prev_hash text        not null,
    hash      text        not null
);
create index audit_entry_by_tenant on audit_entry (tenant_id, seq);
create index audit_entry_by_job on audit_entry (job_id, seq);

create table audit_head (
    id   int    primary key check (id = 1),
    seq  bigint not null,
    hash text   not null
);
insert into audit_head (id, seq, hash) values (1, 0, repeat('0', 64));
