-- Soft delete: a deletion first hides the tenant's rows by setting deleted_at (restorable during the retention
-- window), then deletes them for good. The service treats rows with deleted_at set as deleted.
alter table invoices add column deleted_at timestamptz;
alter table payments add column deleted_at timestamptz;
