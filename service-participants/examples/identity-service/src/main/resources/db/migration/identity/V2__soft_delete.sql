-- Soft delete: a deletion first hides the tenant's rows by setting deleted_at (restorable during the retention
-- window), then deletes them for good. The service treats rows with deleted_at set as deleted. Sessions are not
-- soft-deleted: the tenant fence keeps the tenant's users from signing in.
alter table users add column deleted_at timestamptz;
alter table teams add column deleted_at timestamptz;
