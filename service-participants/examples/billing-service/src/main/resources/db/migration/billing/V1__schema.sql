-- Billing schema. Foreign keys deliberately have no ON DELETE CASCADE: Lethe derives the deletion order from them,
-- and a cascade would delete rows the plan never accounted for.

create table invoices (
    id        bigint generated always as identity primary key,
    tenant_id text           not null,
    number    text           not null,
    issued_at timestamptz    not null,
    total     numeric(12, 2) not null check (total >= 0),
    -- Invoice numbers are unique per tenant; the index behind this constraint also serves lookups by tenant_id.
    constraint invoices_tenant_id_number_key unique (tenant_id, number)
);

create table invoice_lines (
    id          bigint generated always as identity primary key,
    tenant_id   text           not null,
    invoice_id  bigint         not null references invoices (id),
    description text           not null,
    amount      numeric(12, 2) not null check (amount >= 0)
);
create index invoice_lines_tenant_id_idx on invoice_lines (tenant_id);
create index invoice_lines_invoice_id_idx on invoice_lines (invoice_id);

create table payments (
    id         bigint generated always as identity primary key,
    tenant_id  text           not null,
    invoice_id bigint         not null references invoices (id),
    amount     numeric(12, 2) not null check (amount > 0),
    paid_at    timestamptz    not null,
    method     text           not null check (method in ('CARD', 'SEPA_DEBIT', 'BANK_TRANSFER'))
);
create index payments_tenant_id_idx on payments (tenant_id);
create index payments_invoice_id_idx on payments (invoice_id);

create table credit_notes (
    id         bigint generated always as identity primary key,
    tenant_id  text           not null,
    invoice_id bigint         not null references invoices (id),
    amount     numeric(12, 2) not null check (amount > 0),
    reason     text           not null
);
create index credit_notes_tenant_id_idx on credit_notes (tenant_id);
create index credit_notes_invoice_id_idx on credit_notes (invoice_id);
