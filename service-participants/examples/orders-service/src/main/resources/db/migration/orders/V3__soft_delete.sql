-- Soft delete: a deletion first hides the tenant's rows by setting deleted_at (restorable during the retention
-- window), then deletes them for good. The service treats rows with deleted_at set as deleted.
alter table customers add column deleted_at timestamptz;
alter table orders add column deleted_at timestamptz;
alter table order_lines add column deleted_at timestamptz;
