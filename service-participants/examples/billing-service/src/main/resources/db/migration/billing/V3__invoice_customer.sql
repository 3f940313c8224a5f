-- Invoices carry the customer's name and e-mail as printed on them. Tax law keeps an invoice for years after its
-- customer left: with the tax-retention profile, a deletion anonymizes these two columns and keeps the invoice.
alter table invoices add column customer_name text;
alter table invoices add column customer_email text;
