-- Orders schema. Foreign keys deliberately have no ON DELETE CASCADE: Lethe derives the deletion order from them,
-- and a cascade would delete rows the plan never accounted for.

-- Global catalogue, shared by all tenants: never part of a tenant's deletion.
create table products (
    id    bigint generated always as identity primary key,
    sku   text          not null unique,
    name  text          not null,
    price numeric(12, 2) not null check (price >= 0)
);

create table customers (
    id                 bigint generated always as identity primary key,
    tenant_id          text not null,
    name               text not null,
    email              text not null,
    -- Nullable on purpose: with addresses.customer_id it closes a cycle, and only a nullable column lets a
    -- deletion break it (set to null first, then delete addresses, then customers).
    default_address_id bigint
);
create index customers_tenant_id_idx on customers (tenant_id);

create table addresses (
    id          bigint generated always as identity primary key,
    tenant_id   text   not null,
    customer_id bigint not null references customers (id),
    street      text   not null,
    city        text   not null,
    country     text   not null check (length(country) = 2)
);
create index addresses_tenant_id_idx on addresses (tenant_id);
create index addresses_customer_id_idx on addresses (customer_id);

alter table customers
    add constraint customers_default_address_id_fkey foreign key (default_address_id) references addresses (id);
create index customers_default_address_id_idx on customers (default_address_id);

create table orders (
    id                  bigint generated always as identity primary key,
    tenant_id           text        not null,
    customer_id         bigint      not null references customers (id),
    shipping_address_id bigint      not null references addresses (id),
    placed_at           timestamptz not null,
    status              text        not null
        check (status in ('PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'))
);
create index orders_tenant_id_idx on orders (tenant_id);
create index orders_customer_id_idx on orders (customer_id);
create index orders_shipping_address_id_idx on orders (shipping_address_id);

create table order_lines (
    id         bigint generated always as identity primary key,
    tenant_id  text           not null,
    order_id   bigint         not null references orders (id),
    product_id bigint         not null references products (id),
    quantity   integer        not null check (quantity > 0),
    unit_price numeric(12, 2) not null check (unit_price >= 0)
);
create index order_lines_tenant_id_idx on order_lines (tenant_id);
create index order_lines_order_id_idx on order_lines (order_id);
create index order_lines_product_id_idx on order_lines (product_id);

-- No tenant column: a shipment belongs to a tenant only through its order, so a deletion must reach it by a join.
create table shipments (
    id              bigint generated always as identity primary key,
    order_id        bigint      not null references orders (id),
    carrier         text        not null,
    tracking_number text        not null,
    shipped_at      timestamptz not null
);
create index shipments_order_id_idx on shipments (order_id);
