-- Identity schema. Foreign keys deliberately have no ON DELETE CASCADE: Lethe derives the deletion order from them,
-- and a cascade would delete rows the plan never accounted for.

create table users (
    id           bigint generated always as identity primary key,
    tenant_id    text        not null,
    email        text        not null,
    display_name text        not null,
    created_at   timestamptz not null,
    -- E-mail addresses are unique per tenant; the index behind this constraint also serves lookups by tenant_id.
    constraint users_tenant_id_email_key unique (tenant_id, email)
);

create table teams (
    id             bigint generated always as identity primary key,
    tenant_id      text not null,
    name           text not null,
    -- Self-reference: a tenant's teams form trees, so a deletion must either go leaves-first or null this first.
    parent_team_id bigint references teams (id) check (parent_team_id <> id),
    constraint teams_tenant_id_name_key unique (tenant_id, name)
);
create index teams_parent_team_id_idx on teams (parent_team_id);

create table memberships (
    id        bigint generated always as identity primary key,
    tenant_id text   not null,
    user_id   bigint not null references users (id),
    team_id   bigint not null references teams (id),
    role      text   not null check (role in ('OWNER', 'ADMIN', 'MEMBER')),
    -- Also the index for user_id.
    constraint memberships_user_id_team_id_key unique (user_id, team_id)
);
create index memberships_tenant_id_idx on memberships (tenant_id);
create index memberships_team_id_idx on memberships (team_id);

create table api_keys (
    id         bigint generated always as identity primary key,
    tenant_id  text        not null,
    user_id    bigint      not null references users (id),
    key_hash   text        not null unique,
    created_at timestamptz not null
);
create index api_keys_tenant_id_idx on api_keys (tenant_id);
create index api_keys_user_id_idx on api_keys (user_id);

-- No tenant column: a session belongs to a tenant only through its user, so a deletion must reach it by a join.
create table sessions (
    id         bigint generated always as identity primary key,
    user_id    bigint      not null references users (id),
    token_hash text        not null unique,
    expires_at timestamptz not null
);
create index sessions_user_id_idx on sessions (user_id);
